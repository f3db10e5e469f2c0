//! Front matter and TOML: any bytes, read as each kind of record file, yield findings — never a
//! panic, a hang or an allocation out of proportion to the input.
#![no_main]

use gongkai::load::{FileKind, read_bytes};
use libfuzzer_sys::fuzz_target;

const KINDS: [FileKind; 6] = [
    FileKind::Config,
    FileKind::Programme,
    FileKind::Document,
    FileKind::Project,
    FileKind::Progress,
    FileKind::Notice,
];
const UNITS: [&str; 4] = ["万元", "元", "千元", "亿元"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(pick) % KINDS.len()];
    let unit = UNITS[usize::from(pick / 8) % UNITS.len()];
    for d in read_bytes(kind, bytes, unit) {
        assert!(!d.message.is_empty());
    }
});
