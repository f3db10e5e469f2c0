//! China's official working-day calendar and period counting as the Civil Code counts.
//!
//! Weekends are rest days except adjusted working days (调休); public holidays are rest days;
//! both as announced each year by the State Council General Office (data in `data/holidays/`,
//! embedded at build time). A year the data does not know is counted Monday–Friday, and every
//! such year consulted is remembered so that the caller can say so.
//!
//! Civil Code art. 201–203: a period counted in days begins the day after the act; when the
//! last day of a period is a rest day, the period ends on the next working day.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{LazyLock, Mutex};

use serde::Deserialize;

use crate::date::Date;

/// The announcements, one file per year.
const YEAR_FILES: &[&str] = &[
    include_str!("../data/holidays/2015.json"),
    include_str!("../data/holidays/2016.json"),
    include_str!("../data/holidays/2017.json"),
    include_str!("../data/holidays/2018.json"),
    include_str!("../data/holidays/2019.json"),
    include_str!("../data/holidays/2020.json"),
    include_str!("../data/holidays/2021.json"),
    include_str!("../data/holidays/2022.json"),
    include_str!("../data/holidays/2023.json"),
    include_str!("../data/holidays/2024.json"),
    include_str!("../data/holidays/2025.json"),
    include_str!("../data/holidays/2026.json"),
    include_str!("../data/holidays/2027.json"),
];

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    days: Vec<DayEntry>,
}

#[derive(Deserialize)]
struct DayEntry {
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Special {
    rest: bool,
    name: String,
}

/// The built-in announcements, parsed once.
static OFFICIAL: LazyLock<(BTreeMap<Date, Special>, BTreeSet<i32>)> = LazyLock::new(|| {
    let mut days = BTreeMap::new();
    let mut years = BTreeSet::new();
    for text in YEAR_FILES {
        let file: YearFile = serde_json::from_str(text).expect("embedded holiday data is valid");
        if !file.days.is_empty() {
            years.insert(file.year);
        }
        for d in file.days {
            let date = Date::parse(&d.date).expect("embedded holiday dates are valid");
            days.insert(
                date,
                Special {
                    rest: d.is_off_day,
                    name: d.name,
                },
            );
        }
    }
    (days, years)
});

#[derive(Debug)]
pub struct WorkingCalendar {
    special: BTreeMap<Date, Special>,
    known_years: BTreeSet<i32>,
    /// Years asked about that the calendar does not know (counted Monday–Friday).
    guessed: Mutex<BTreeSet<i32>>,
}

impl Clone for WorkingCalendar {
    fn clone(&self) -> Self {
        WorkingCalendar {
            special: self.special.clone(),
            known_years: self.known_years.clone(),
            guessed: Mutex::new(self.guessed_years()),
        }
    }
}

impl Default for WorkingCalendar {
    fn default() -> Self {
        Self::official()
    }
}

impl WorkingCalendar {
    /// The built-in calendar.
    pub fn official() -> Self {
        let (days, years) = &*OFFICIAL;
        WorkingCalendar {
            special: days.clone(),
            known_years: years.clone(),
            guessed: Mutex::new(BTreeSet::new()),
        }
    }

    /// The built-in calendar with extra rest days and adjusted working days; a year with any
    /// extra day declared counts as known.
    pub fn with_extra(holidays: &[Date], workdays: &[Date]) -> Self {
        let mut cal = Self::official();
        for (dates, rest) in [(holidays, true), (workdays, false)] {
            for d in dates {
                let name = if rest {
                    "节假日（config.toml）"
                } else {
                    "调休工作日（config.toml）"
                };
                cal.special.insert(
                    *d,
                    Special {
                        rest,
                        name: name.into(),
                    },
                );
                cal.known_years.insert(d.year());
            }
        }
        cal
    }

    pub fn knows(&self, year: i32) -> bool {
        self.known_years.contains(&year)
    }

    /// Years consulted so far that the calendar does not know.
    pub fn guessed_years(&self) -> BTreeSet<i32> {
        self.guessed.lock().map(|g| g.clone()).unwrap_or_default()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if let Some(s) = self.special.get(&d) {
            return !s.rest;
        }
        if !self.knows(d.year())
            && let Ok(mut g) = self.guessed.lock()
        {
            g.insert(d.year());
        }
        !d.is_weekend()
    }

    /// The name of the holiday or adjusted working day on `d`, if it is one.
    pub fn special_name(&self, d: Date) -> Option<&str> {
        self.special.get(&d).map(|s| s.name.as_str())
    }

    /// `d` if it is a working day, else the next working day (art. 203).
    pub fn roll_forward(&self, d: Date) -> Date {
        let mut day = d;
        while !self.is_working_day(day) {
            day = day.add_days(1);
        }
        day
    }

    /// The `n`th working day after `d`, `d` itself not counted (art. 201). `n = 0` gives `d`.
    pub fn add_working_days(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.add_days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The last day of a period of `n` calendar days after `d` (art. 201, 203).
    pub fn add_days(&self, d: Date, n: u32) -> Date {
        self.roll_forward(d.add_days(n as i32))
    }

    /// Working days after `from` up to and including `to` (0 if `to` is not after `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            day = day.add_days(1);
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// Every holiday and adjusted working day of the data, year by year, read independently.
    #[test]
    fn agrees_with_every_announced_day_of_every_year() {
        let cal = WorkingCalendar::official();
        let mut years = BTreeSet::new();
        for text in YEAR_FILES {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            for day in v["days"].as_array().unwrap() {
                let date = d(day["date"].as_str().unwrap());
                let off = day["isOffDay"].as_bool().unwrap();
                assert_eq!(cal.is_working_day(date), !off, "{date}");
                years.insert(v["year"].as_i64().unwrap());
            }
        }
        assert_eq!(years, (2015..=2026).collect());
        assert!(cal.guessed_years().is_empty());
    }

    #[test]
    fn known_dates_by_hand() {
        let cal = WorkingCalendar::official();
        let rest = [
            "2015-09-03",
            "2019-05-03",
            "2020-01-31",
            "2020-02-02",
            "2022-10-07",
            "2024-02-17",
            "2026-02-23",
        ];
        let work = [
            "2015-09-06",
            "2019-05-05",
            "2020-02-03",
            "2022-10-08",
            "2022-10-09",
            "2024-02-04",
            "2026-02-28",
        ];
        for s in rest {
            assert!(!cal.is_working_day(d(s)), "{s} is a rest day");
        }
        for s in work {
            assert!(cal.is_working_day(d(s)), "{s} is a working day");
        }
        // The 2020 Spring Festival extension (announced 2020-01-27) is in.
        assert_eq!(cal.special_name(d("2020-01-31")), Some("春节"));
        // Plain days follow the week.
        assert!(cal.is_working_day(d("2022-06-01")));
        assert!(!cal.is_working_day(d("2022-06-11")));
    }

    #[test]
    fn working_day_periods_cross_national_day() {
        let cal = WorkingCalendar::official();
        // Award on Friday 30 September 2022: two working days later is the adjusted Sunday 9 October.
        assert_eq!(cal.add_working_days(d("2022-09-30"), 1), d("2022-10-08"));
        assert_eq!(cal.add_working_days(d("2022-09-30"), 2), d("2022-10-09"));
        assert_eq!(
            cal.working_days_between(d("2022-09-30"), d("2022-10-09")),
            2
        );
        // Five working days from Thursday 29 September 2022.
        // 30 Sep, 8 Oct (Sat) and 9 Oct (Sun) are working days; 1–7 Oct are not.
        assert_eq!(cal.add_working_days(d("2022-09-29"), 5), d("2022-10-11"));
        assert_eq!(cal.add_working_days(d("2022-09-29"), 0), d("2022-09-29"));
    }

    #[test]
    fn calendar_day_periods_end_on_a_working_day() {
        let cal = WorkingCalendar::official();
        // 5 days after 2024-02-05 is Saturday 10 February, in the Spring Festival holiday
        // (10–17 February): the period ends on Sunday 18 February, an adjusted working day.
        assert_eq!(cal.add_days(d("2024-02-05"), 5), d("2024-02-18"));
        assert_eq!(cal.add_days(d("2022-06-01"), 5), d("2022-06-06"));
    }

    #[test]
    fn unknown_years_are_counted_monday_to_friday_and_remembered() {
        let cal = WorkingCalendar::official();
        assert!(!cal.knows(2027));
        assert!(!cal.is_working_day(d("2027-01-02")), "a Saturday");
        assert!(
            cal.is_working_day(d("2027-01-01")),
            "unknown, so counted as a Friday"
        );
        assert_eq!(cal.guessed_years(), BTreeSet::from([2027]));
        let extra = WorkingCalendar::with_extra(&[d("2027-01-01")], &[d("2027-02-07")]);
        assert!(extra.knows(2027));
        assert!(!extra.is_working_day(d("2027-01-01")));
        assert!(extra.is_working_day(d("2027-02-07")));
        assert!(extra.guessed_years().is_empty());
    }
}
