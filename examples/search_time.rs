//! Times `Index::search` on an indexed archive (the lead's bench measures the page; this
//! measures the query alone):
//!
//! ```sh
//! cargo run --release --example quarter_archive -- /tmp/arch 100000
//! target/release/okno index --archive /tmp/arch
//! cargo run --release --example search_time -- /tmp/arch
//! ```

use okno::catalog::NameVariants;
use okno::index::{Index, Scope};
use std::time::Instant;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("ROOT"));
    let ix = Index::open_read(&root).expect("index");
    let queries = [
        "Петров Иван",
        "Петорва Мария",
        "Семенова Марья Андреевна",
        "Егорва",
        "Наталия",
        "пет",
        "02.07.2021",
        "07.02.2021 Семенова",
        "Q-0123",
        "Q-054321",
        "Бердск Петров",
        "СОШ",
        "Андреевич",
    ];
    let v = NameVariants::builtin();
    let t = Instant::now();
    let first = ix.search(queries[0], &Scope::All, v, 1).expect("search");
    println!(
        "first search (vocabulary read): {:.1} ms, {} found",
        t.elapsed().as_secs_f64() * 1e3,
        first.total
    );
    let mut all = Vec::new();
    for q in queries {
        let mut ms = Vec::new();
        let mut total = 0;
        for _ in 0..15 {
            let t = Instant::now();
            total = ix.search(q, &Scope::All, v, 1).expect("search").total;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "{q:<28} found {total:>6}  p50 {:>6.1} ms  p95 {:>6.1} ms",
            ms[ms.len() / 2],
            ms[ms.len() * 95 / 100]
        );
        all.extend(ms);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all {} searches: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        all.len(),
        all[all.len() / 2],
        all[all.len() * 95 / 100],
        all[all.len() - 1]
    );
}
