//! Line breaking a Chinese reader expects in titles: a date or a figure written against its
//! unit (2021年, 2022年10月31日, 35%, 1020万元) is one word and never split across lines,
//! however the browser balances the heading.

/// Characters that belong to the figure before them.
const UNITS: [char; 4] = ['年', '月', '日', '%'];

/// Escapes `text` for HTML and wraps each date or figure-with-unit in `<span class="nw">`.
pub fn keep_figures(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 32);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut plain_from = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run of digits (with a decimal point), then units each optionally followed by digits.
        let start = i;
        let mut end = i;
        let mut units = 0;
        loop {
            while end < chars.len() && (chars[end].1.is_ascii_digit() || chars[end].1 == '.') {
                end += 1;
            }
            if end < chars.len() && UNITS.contains(&chars[end].1) {
                end += 1;
                units += 1;
            } else if end + 1 < chars.len() && chars[end].1 == '万' && chars[end + 1].1 == '元' {
                end += 2;
                units += 1;
            } else {
                break;
            }
            if !(end < chars.len() && chars[end].1.is_ascii_digit()) {
                break;
            }
        }
        if units == 0 {
            i = end;
            continue;
        }
        let byte = |k: usize| chars.get(k).map_or(text.len(), |c| c.0);
        escape(&text[plain_from..byte(start)], &mut out);
        out.extend_from_slice(b"<span class=\"nw\">");
        escape(&text[byte(start)..byte(end)], &mut out);
        out.extend_from_slice(b"</span>");
        plain_from = byte(end);
        i = end;
    }
    escape(&text[plain_from..], &mut out);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

fn escape(s: &str, out: &mut Vec<u8>) {
    tera::escape_html(s, out).expect("writing to memory");
}

#[cfg(test)]
mod tests {
    use super::keep_figures;

    #[test]
    fn dates_and_figures_with_units_are_kept_whole_and_the_rest_escaped() {
        assert_eq!(
            keep_figures("乳源瑶族自治县2021年国家级<示范>"),
            "乳源瑶族自治县<span class=\"nw\">2021年</span>国家级&lt;示范&gt;"
        );
        assert_eq!(
            keep_figures("2022年10月31日前完成35.5%，共1020万元"),
            "<span class=\"nw\">2022年10月31日</span>前完成<span class=\"nw\">35.5%</span>，共<span class=\"nw\">1020万元</span>"
        );
        assert_eq!(keep_figures("第3批 & 5G"), "第3批 &amp; 5G");
        assert_eq!(keep_figures("2021"), "2021");
    }
}
