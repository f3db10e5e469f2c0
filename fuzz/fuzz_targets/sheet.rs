//! The ledger import's readers: any bytes as CSV or as a workbook give rows or an error, in
//! time and memory that follow the input.
#![no_main]

use gongkai::sheet::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = ["csv", "xlsx", "xls", "ods"][usize::from(pick) % 4];
    if let Ok((header, rows)) = read_bytes(ext, bytes) {
        for row in rows {
            assert!(row.cells.len() >= header.len());
        }
    }
});
