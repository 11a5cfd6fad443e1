//! `bagit.txt`: the declaration that makes a folder a bag (version, tag file encoding).

use encoding_rs::{Encoding, UTF_8};

use crate::bagit::paths::show;
use crate::bagit::report::Report;
use crate::bagit::tagfile::{TagLine, TagProblem, is_known_version, parse_tags, parse_version};
use crate::bagit::walk::{Tree, other_ru, read_checked};

/// `bagit.txt` is two short lines; anything bigger than this is not a declaration.
pub(super) const MAX_BAGIT_TXT: u64 = 64 * 1024;

/// Reads `bagit.txt`: the version (rules of 1.0 when it is missing or unknown) and the tag
/// file encoding (UTF-8 when missing or unknown). `None` when there is no declaration at all.
pub(super) fn read_declaration(
    tree: &Tree,
    r: &mut Report,
) -> Option<((u32, u32), &'static Encoding, String)> {
    let Some(&idx) = tree.by_bytes.get(&b"bagit.txt"[..]) else {
        match tree.other.get(&b"bagit.txt"[..]) {
            Some(k) => r
                .errors
                .push(format!("bagit.txt: {}, а не обычный файл", other_ru(*k))),
            None => r
                .errors
                .push("нет файла bagit.txt: каталог не является пакетом BagIt".into()),
        }
        return None;
    };
    let mut bytes = match read_checked(&tree.files[idx], Some(MAX_BAGIT_TXT)) {
        Ok(b) => b,
        Err(e) => {
            r.errors
                .push(format!("bagit.txt: не удалось прочитать: {e}"));
            return None;
        }
    };
    if bytes.len() as u64 > MAX_BAGIT_TXT {
        r.errors
            .push("bagit.txt слишком велик (больше 64 КиБ): это не объявление пакета BagIt".into());
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        r.errors.push("bagit.txt записан в UTF-16, а по спецификации должен быть в UTF-8 без метки порядка байтов".into());
        return None;
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        r.errors.push("bagit.txt начинается с метки порядка байтов (BOM): по спецификации BagIt это недопустимо".into());
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            r.errors
                .push("bagit.txt: недопустимые байты — файл должен быть в UTF-8".into());
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let (tags, problems) = parse_tags(&text);
    for p in problems {
        match p {
            TagProblem::NoColon(n, l) => r.errors.push(format!(
                "bagit.txt, строка {n}: непонятная строка «{}»",
                show(&l)
            )),
            TagProblem::EmptyLabel(n) => r
                .errors
                .push(format!("bagit.txt, строка {n}: пустая метка")),
            TagProblem::OrphanContinuation(n) => r.errors.push(format!(
                "bagit.txt, строка {n}: строка с отступом без метки"
            )),
            TagProblem::BlankLine(n) => r
                .warnings
                .push(format!("bagit.txt, строка {n}: пустая строка")),
        }
    }
    const VERSION: &str = "BagIt-Version";
    const ENCODING: &str = "Tag-File-Character-Encoding";
    let mut version_tag: Option<&TagLine> = None;
    let mut encoding_tag: Option<&TagLine> = None;
    for t in &tags {
        let slot = if t.label.eq_ignore_ascii_case(VERSION) {
            &mut version_tag
        } else if t.label.eq_ignore_ascii_case(ENCODING) {
            &mut encoding_tag
        } else {
            r.warnings.push(format!(
                "bagit.txt, строка {}: лишняя строка «{}: {}» (должны быть только {VERSION} и {ENCODING})",
                t.line,
                show(&t.label),
                show(&t.value)
            ));
            continue;
        };
        if t.label != VERSION && t.label != ENCODING {
            r.warnings.push(format!(
                "bagit.txt, строка {}: метка «{}» написана не в том регистре",
                t.line,
                show(&t.label)
            ));
        }
        match slot {
            Some(prev) if prev.value != t.value => r.errors.push(format!(
                "bagit.txt: {} указан дважды с разными значениями (строки {} и {})",
                t.label, prev.line, t.line
            )),
            Some(prev) => r.warnings.push(format!(
                "bagit.txt: {} указан дважды (строки {} и {})",
                t.label, prev.line, t.line
            )),
            None => *slot = Some(t),
        }
    }
    let version = match version_tag {
        None => {
            r.errors.push(format!("bagit.txt: нет строки {VERSION}"));
            None
        }
        Some(t) => match parse_version(&t.value) {
            None => {
                r.errors.push(format!(
                    "bagit.txt: неверный номер версии BagIt «{}» (ожидается вида 1.0 или 0.97)",
                    show(&t.value)
                ));
                None
            }
            Some(v) if !is_known_version(v) => {
                r.errors.push(format!(
                    "bagit.txt: версия BagIt {} не поддерживается (поддерживаются 0.93–0.97 и 1.0)",
                    show(&t.value)
                ));
                None
            }
            Some(v) => Some(v),
        },
    };
    // Unknown version: judge by the strictest rules (those of 1.0).
    let rules = version.unwrap_or((1, 0));
    for t in tags.iter().filter(|t| t.spaced_label) {
        let m = format!(
            "bagit.txt, строка {}: пробел между меткой «{}» и двоеточием",
            t.line,
            show(&t.label)
        );
        if rules.0 >= 1 {
            r.errors.push(format!("{m}: в BagIt 1.0 это недопустимо"));
        } else {
            r.warnings.push(m);
        }
    }
    if let (Some(v), Some(e)) = (version_tag, encoding_tag)
        && e.line < v.line
    {
        r.warnings
            .push(format!("bagit.txt: строка {VERSION} должна идти первой"));
    }
    let (enc, label) = match encoding_tag {
        None => {
            r.errors.push(format!(
                "bagit.txt: нет строки {ENCODING} (кодировка файлов тегов)"
            ));
            (UTF_8, "UTF-8".to_string())
        }
        Some(t) => match Encoding::for_label(t.value.as_bytes()) {
            Some(e) => (e, t.value.clone()),
            None => {
                r.errors.push(format!(
                    "bagit.txt: неизвестная кодировка файлов тегов «{}»; файлы тегов читаются как UTF-8",
                    show(&t.value)
                ));
                (UTF_8, "UTF-8".to_string())
            }
        },
    };
    Some((rules, enc, label))
}
