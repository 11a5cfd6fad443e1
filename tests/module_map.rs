//! The map of the house, kept: every `crate::`, `super::` and `self::` path in src/ is an
//! arrow from the module that writes it to the module it names. Arrows go one way: no module
//! names an item of its own parent (children are used, not users), no circle among the
//! children of any module, and the top-level modules of the library sit in the layers that
//! docs/DESIGN.md draws, each naming only modules of lower layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// One arrow and where it was written, for the message.
#[derive(Clone, Debug)]
struct Arrow {
    from: Module,
    to: Module,
    /// The path as written resolves past `to` into an item of `to`'s own file.
    item: bool,
    at: String,
}

/// A crate's files: its module tree, from its root file's directory.
struct Tree {
    /// The module of each file.
    files: Vec<(PathBuf, Module)>,
    modules: BTreeSet<Module>,
}

fn tree(src: &Path, root_file: &str, skip: &[&str]) -> Tree {
    let mut files = vec![(src.join(root_file), Vec::new())];
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let last = parts.pop().unwrap();
        if parts.is_empty() && (last == "lib.rs" || last == "main.rs") {
            continue;
        }
        if last != "mod.rs" {
            parts.push(last.trim_end_matches(".rs").to_string());
        }
        files.push((path.to_path_buf(), parts));
    }
    files.retain(|(_, m)| m.is_empty() || !skip.contains(&m[0].as_str()));
    let mut modules = BTreeSet::new();
    for (_, m) in &files {
        for n in 0..=m.len() {
            modules.insert(m[..n].to_vec());
        }
    }
    Tree { files, modules }
}

/// The source without comments, string and character literals, and `#[cfg(test)]` modules
/// (a file's own tests may use anything of it).
fn code(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                let end: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&end) {
                    j += 1;
                }
                i = j + end.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{..}', 'я'), or a lifetime ('a).
                let rest = &text[i + 1..];
                let mut chars = rest.char_indices();
                let lit = match chars.next() {
                    Some((_, '\\')) => rest.find('\'').map(|e| {
                        let e = if e == 1 {
                            rest[2..].find('\'').unwrap() + 2
                        } else {
                            e
                        };
                        e + 1
                    }),
                    Some((_, c)) => match chars.next() {
                        Some((n, '\'')) if n == c.len_utf8() => Some(n + 1),
                        _ => None,
                    },
                    None => None,
                };
                match lit {
                    Some(len) => {
                        i += 1 + len;
                        out.push_str("' '");
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            _ => {
                let c = text[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    // Tests modules: from `#[cfg(test)]` before a `mod` to its closing brace.
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = out[at + 12..].trim_start();
        if !after.starts_with("mod ") && !after.starts_with("pub mod ") {
            out.replace_range(at..at + 12, "            ");
            continue;
        }
        let open = at + out[at..].find('{').unwrap();
        let mut depth = 0;
        let mut end = out.len();
        for (k, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let lines = out[at..end].matches('\n').count();
        out.replace_range(at..end, &"\n".repeat(lines));
    }
    out
}

/// Every path written from `crate`, `super` or `self`, as its segments after resolving
/// the prefix against `module` (the file's module), with the line it starts on.
fn paths(code: &str, module: &Module, is_mod_rs: bool) -> Vec<(Vec<String>, usize)> {
    let tokens = tokenize(code);
    let mut found = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let (t, line) = (&tokens[k].0, tokens[k].1);
        let starts = matches!(t.as_str(), "crate" | "$crate" | "super" | "self")
            && tokens.get(k + 1).is_some_and(|n| n.0 == "::")
            && (k == 0 || tokens[k - 1].0 != "::");
        if !starts {
            k += 1;
            continue;
        }
        // The module a bare `self`/`super` resolves from: a file's own module; `mod.rs` and
        // the crate root are their directory's module.
        let _ = is_mod_rs;
        let mut base: Vec<String> = match t.as_str() {
            "crate" | "$crate" => Vec::new(),
            _ => module.clone(),
        };
        let mut j = k;
        loop {
            match tokens[j].0.as_str() {
                "super" => {
                    base.pop();
                }
                "self" | "crate" | "$crate" => {}
                _ => break,
            }
            if tokens.get(j + 1).is_some_and(|n| n.0 == "::")
                && tokens
                    .get(j + 2)
                    .is_some_and(|n| n.0 == "super" || n.0 == "self")
            {
                j += 2;
            } else {
                break;
            }
        }
        // tokens[j] is the last prefix word; tokens[j+1] is "::".
        let mut out = Vec::new();
        let end = use_tree(&tokens, j + 2, base, &mut out);
        for p in out {
            found.push((p, line));
        }
        k = end.max(k + 1);
    }
    found
}

/// Reads a use tree (or a plain path) at `k`, pushing every full path; returns the index
/// after it.
fn use_tree(
    tokens: &[(String, usize)],
    mut k: usize,
    mut path: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        let Some((t, _)) = tokens.get(k) else {
            out.push(path);
            return k;
        };
        if t == "{" {
            k += 1;
            loop {
                match tokens.get(k).map(|t| t.0.as_str()) {
                    Some("}") => {
                        return k + 1;
                    }
                    Some(",") => k += 1,
                    Some("self") => {
                        out.push(path.clone());
                        k += 1;
                    }
                    Some(_) => k = use_tree(tokens, k, path.clone(), out),
                    None => return k,
                }
            }
        }
        if t == "*" {
            out.push(path);
            return k + 1;
        }
        if !is_ident(t) {
            out.push(path);
            return k;
        }
        path.push(t.clone());
        if tokens.get(k + 1).is_some_and(|n| n.0 == "::") {
            k += 2;
        } else {
            out.push(path);
            return k + 1;
        }
    }
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn tokenize(code: &str) -> Vec<(String, usize)> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (i == start && chars[i] == '$'))
            {
                i += 1;
            }
            tokens.push((chars[start..i].iter().collect(), line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push(("::".into(), line));
            i += 2;
        } else {
            tokens.push((c.to_string(), line));
            i += 1;
        }
    }
    tokens
}

fn arrows(tree: &Tree, root: &Path) -> Vec<Arrow> {
    let mut all = Vec::new();
    for (file, module) in &tree.files {
        let text = std::fs::read_to_string(file).unwrap();
        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
        for (path, line) in paths(&code(&text), module, is_mod_rs) {
            // The longest prefix that is a module.
            let mut to = Vec::new();
            for seg in &path {
                let mut next = to.clone();
                next.push(seg.clone());
                if tree.modules.contains(&next) {
                    to = next;
                } else {
                    break;
                }
            }
            let item = path.len() > to.len();
            all.push(Arrow {
                from: module.clone(),
                to,
                item,
                at: format!("{}:{line}", file.strip_prefix(root).unwrap().display()),
            });
        }
    }
    all
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The problems of one crate's arrows: upward names, then circles among siblings.
/// The arrows among the children of one module: (from, to) → one place it was written.
type Siblings = BTreeMap<(String, String), String>;

fn problems(arrows: &[Arrow]) -> (Vec<String>, BTreeMap<Module, Siblings>) {
    let mut up = Vec::new();
    // Per parent: the arrows among its children, with one place each was written.
    let mut siblings: BTreeMap<Module, Siblings> = BTreeMap::new();
    for a in arrows {
        if a.to == a.from {
            continue;
        }
        if a.from.starts_with(&a.to) {
            if a.item || a.to.is_empty() {
                up.push(format!(
                    "{}: {} names an item of {}, its parent",
                    a.at,
                    name(&a.from),
                    name(&a.to)
                ));
            }
            continue;
        }
        if a.to.starts_with(&a.from) {
            continue;
        }
        let common = a.from.iter().zip(&a.to).take_while(|(x, y)| x == y).count();
        siblings
            .entry(a.from[..common].to_vec())
            .or_default()
            .entry((a.from[common].clone(), a.to[common].clone()))
            .or_insert_with(|| a.at.clone());
    }
    (up, siblings)
}

/// The circles (strongly connected groups of more than one) of a graph, each with its arrows.
fn circles(edges: &Siblings) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for (a, b) in edges.keys() {
                if *a == n && seen.insert(b.clone()) {
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for n in &nodes {
        if !reached[n].contains(*n) {
            continue;
        }
        let group: Vec<String> = nodes
            .iter()
            .filter(|m| reached[n].contains(**m) && reached[*m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

/// The library's layers as docs/DESIGN.md draws them, bottom first: the lines of the block
/// after «Layers», each `N. module, module…`.
fn layers(design: &str) -> Vec<Vec<String>> {
    let start = design
        .find("<!-- layers -->")
        .expect("docs/DESIGN.md has a layers block");
    let block = &design[start..];
    let block = &block[..block
        .find("<!-- /layers -->")
        .expect("the layers block ends")];
    let mut layers: Vec<(u32, Vec<String>)> = block
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches('|').trim();
            let (n, rest) = l.split_once(". ")?;
            let n: u32 = n.trim().parse().ok()?;
            let rest = rest.split(" — ").next().unwrap();
            Some((
                n,
                rest.split(',')
                    .map(|m| m.trim().trim_matches('`').to_string())
                    .filter(|m| !m.is_empty())
                    .collect(),
            ))
        })
        .collect();
    layers.sort();
    layers.into_iter().map(|(_, m)| m).collect()
}

/// The arrows docs/DESIGN.md draws: the lines `module → a, b` (or `→ —`) of its arrows block.
fn arrows_drawn(design: &str) -> BTreeMap<String, BTreeSet<String>> {
    let start = design
        .find("<!-- arrows -->")
        .expect("docs/DESIGN.md has an arrows block");
    let block = &design[start..];
    let block = &block[..block
        .find("<!-- /arrows -->")
        .expect("the arrows block ends")];
    block
        .lines()
        .filter_map(|l| {
            let (m, to) = l.trim().split_once(" → ")?;
            let to = to
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty() && t != "—")
                .collect();
            Some((m.trim().to_string(), to))
        })
        .collect()
}

fn report(arrows: &[Arrow], label: &str) -> Vec<String> {
    let (mut bad, siblings) = problems(arrows);
    for (parent, edges) in &siblings {
        for group in circles(edges) {
            let inside: Vec<String> = edges
                .iter()
                .filter(|((a, b), _)| group.contains(a) && group.contains(b))
                .map(|((a, b), at)| format!("{a} → {b} ({at})"))
                .collect();
            bad.push(format!(
                "{label}: a circle among the children of {}: {}",
                name(parent),
                inside.join(", ")
            ));
        }
    }
    bad
}

#[test]
fn modules_name_only_what_is_below_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let lib = tree(&src, "lib.rs", &["cli"]);
    let bin = tree(&src, "main.rs", &[]);
    let bin = Tree {
        files: bin
            .files
            .into_iter()
            .filter(|(_, m)| m.is_empty() || m[0] == "cli")
            .collect(),
        modules: bin
            .modules
            .into_iter()
            .filter(|m| m.is_empty() || m[0] == "cli")
            .collect(),
    };
    let lib_arrows = arrows(&lib, root);
    let mut bad = report(&lib_arrows, "the library");
    bad.extend(report(&arrows(&bin, root), "the command line"));

    // The top level against the drawing.
    let design = std::fs::read_to_string(root.join("docs/DESIGN.md")).unwrap();
    let layers = layers(&design);
    let layer_of = |m: &str| layers.iter().position(|l| l.iter().any(|x| x == m));
    let top: BTreeSet<&String> = lib
        .modules
        .iter()
        .filter(|m| m.len() == 1)
        .map(|m| &m[0])
        .collect();
    for m in &top {
        if layer_of(m).is_none() {
            bad.push(format!("docs/DESIGN.md: the module {m} is in no layer"));
        }
    }
    for l in layers.iter().flatten() {
        if !top.contains(l) {
            bad.push(format!(
                "docs/DESIGN.md: the layer's module {l} is not in src/"
            ));
        }
    }
    let (_, siblings) = problems(&lib_arrows);
    if let Some(edges) = siblings.get(&Vec::new()) {
        for ((a, b), at) in edges {
            if let (Some(x), Some(y)) = (layer_of(a), layer_of(b))
                && x <= y
            {
                bad.push(format!(
                    "{at}: {a} (layer {}) names {b} (layer {}): arrows go down",
                    x + 1,
                    y + 1
                ));
            }
        }
    }
    // The arrows drawn in docs/DESIGN.md are the arrows there are.
    let drawn = arrows_drawn(&design);
    let mut actual: BTreeMap<String, BTreeSet<String>> = top
        .iter()
        .map(|m| ((*m).clone(), BTreeSet::new()))
        .collect();
    if let Some(edges) = siblings.get(&Vec::new()) {
        for (a, b) in edges.keys() {
            actual.entry(a.clone()).or_default().insert(b.clone());
        }
    }
    if drawn != actual {
        let block: Vec<String> = actual
            .iter()
            .map(|(m, to)| {
                let to: Vec<&str> = to.iter().map(String::as_str).collect();
                format!(
                    "{m} → {}",
                    if to.is_empty() {
                        "—".into()
                    } else {
                        to.join(", ")
                    }
                )
            })
            .collect();
        bad.push(format!(
            "docs/DESIGN.md: the arrows drawn are not the arrows there are; the block should read:\n{}",
            block.join("\n")
        ));
    }
    if std::env::var_os("OKNO_PRINT_MODULE_MAP").is_some() {
        for (parent, edges) in &siblings {
            for (a, b) in edges.keys() {
                println!("{}: {a} -> {b}", name(parent));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
