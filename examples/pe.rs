fn main() {
    let p = std::env::args().nth(1).unwrap();
    let b = std::fs::read(p).unwrap();
    for (i, t) in pdf_extract::extract_text_from_mem_by_pages(&b)
        .unwrap()
        .iter()
        .enumerate()
    {
        println!("=== page {i}\n{t}");
    }
}
