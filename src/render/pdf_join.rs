//! One PDF of many: the pages of PDFs that Typst exported a chunk at a time (a long log),
//! appended to one file as they come, so that memory holds one chunk, not the whole file.
//!
//! The first chunk gives the document its catalog (with the PDF/A XMP metadata and output
//! intent), its info dictionary and its file ID; every chunk gives its pages and what they use
//! (content streams, fonts, images), renumbered after the objects already written. The page
//! tree, the catalog and the metadata (its page count patched) are written last, then the
//! cross-reference table. Nothing depends on the clock or on hash order: the same chunks give
//! the same bytes.

use lopdf::{Dictionary, Object, ObjectId};
use std::collections::{BTreeMap, VecDeque};
use std::io::Write;

use super::error::Error;

/// Object numbers the joiner keeps for itself.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;
/// Attributes a page inherits from its page tree nodes (ISO 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

pub struct PdfJoin<W: Write> {
    out: W,
    at: u64,
    /// The byte offset of each object, by number (0 is the free list's head).
    offsets: Vec<u64>,
    kids: Vec<u32>,
    first: Option<First>,
}

/// What the first chunk gives the whole document.
struct First {
    catalog: Dictionary,
    info: Option<u32>,
    id: Option<Object>,
    /// The XMP metadata: number and bytes, written at the end with the page count.
    metadata: Option<(u32, lopdf::Stream)>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Join(e.to_string())
}

impl<W: Write> PdfJoin<W> {
    pub fn new(out: W) -> PdfJoin<W> {
        PdfJoin {
            out,
            at: 0,
            offsets: vec![0, 0, 0],
            kids: Vec::new(),
            first: None,
        }
    }

    /// Pages appended so far.
    pub fn pages(&self) -> usize {
        self.kids.len()
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out.write_all(bytes).map_err(err)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    fn object(&mut self, number: u32, object: &Object) -> Result<(), Error> {
        let mut buf = Vec::with_capacity(256);
        writeln!(buf, "{number} 0 obj").map_err(err)?;
        serialize(&mut buf, object);
        buf.extend_from_slice(b"\nendobj\n");
        let slot = number as usize;
        if self.offsets.len() <= slot {
            self.offsets.resize(slot + 1, 0);
        }
        self.offsets[slot] = self.at;
        self.write(&buf)
    }

    /// Appends the pages of `pdf` (and every object they use).
    pub fn append(&mut self, pdf: &[u8]) -> Result<(), Error> {
        let doc = lopdf::Document::load_mem(pdf).map_err(err)?;
        if self.first.is_none() {
            // The first chunk's header: the version and the binary marker PDF/A asks for.
            let mut lines = pdf.splitn(3, |b| *b == b'\n');
            let (Some(a), Some(b)) = (lines.next(), lines.next()) else {
                return Err(err("нет заголовка"));
            };
            let header = [a, b"\n", b, b"\n"].concat();
            self.write(&header)?;
        }
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        // Each page with what it inherits written into it: its parent here is the one tree.
        let mut page_dicts: BTreeMap<ObjectId, Dictionary> = BTreeMap::new();
        for id in &pages {
            let mut dict = doc.get_dictionary(*id).map_err(err)?.clone();
            let mut parent = dict.get(b"Parent").and_then(Object::as_reference).ok();
            while let Some(p) = parent {
                let Ok(node) = doc.get_dictionary(p) else {
                    break;
                };
                for key in INHERITED {
                    if !dict.has(key)
                        && let Ok(v) = node.get(key)
                    {
                        dict.set(key.to_vec(), v.clone());
                    }
                }
                parent = node.get(b"Parent").and_then(Object::as_reference).ok();
            }
            dict.remove(b"Parent");
            page_dicts.insert(*id, dict);
        }
        // Numbers for every object reachable from the pages (and, in the first chunk, from
        // the catalog and the info dictionary), breadth first: a fixed order.
        let mut next = self.offsets.len() as u32;
        let mut map: BTreeMap<ObjectId, u32> = BTreeMap::new();
        let mut queue: VecDeque<ObjectId> = VecDeque::new();
        let skip = |id: ObjectId| {
            doc.get_dictionary(id).is_ok_and(|d| {
                d.get(b"Type")
                    .and_then(Object::as_name)
                    .is_ok_and(|t| t == b"Pages" || t == b"Catalog")
            })
        };
        let mut visit =
            |id: ObjectId, map: &mut BTreeMap<ObjectId, u32>, queue: &mut VecDeque<_>| {
                if !map.contains_key(&id) && !skip(id) {
                    map.insert(id, next);
                    next += 1;
                    queue.push_back(id);
                }
            };
        for id in &pages {
            visit(*id, &mut map, &mut queue);
        }
        let first = self.first.is_none();
        let mut catalog = Dictionary::new();
        let mut info = None;
        if first {
            catalog = doc.catalog().map_err(err)?.clone();
            // The page tree is the joiner's; page labels would count one chunk's pages.
            catalog.remove(b"Pages");
            catalog.remove(b"PageLabels");
            let mut refs = Vec::new();
            references(&Object::Dictionary(catalog.clone()), &mut refs);
            if let Ok(Object::Reference(i)) = doc.trailer.get(b"Info") {
                info = Some(*i);
                refs.push(*i);
            }
            for r in refs {
                visit(r, &mut map, &mut queue);
            }
        }
        let metadata = if first {
            catalog.get(b"Metadata").and_then(Object::as_reference).ok()
        } else {
            None
        };
        let mut held = None;
        while let Some(id) = queue.pop_front() {
            let object = match page_dicts.get(&id) {
                Some(d) => Object::Dictionary(d.clone()),
                None => doc.get_object(id).map_err(err)?.clone(),
            };
            let mut refs = Vec::new();
            references(&object, &mut refs);
            for r in refs {
                visit(r, &mut map, &mut queue);
            }
            let mut object = remap(&object, &map);
            let number = map[&id];
            if let Object::Dictionary(d) = &mut object
                && page_dicts.contains_key(&id)
            {
                d.set("Parent", Object::Reference((PAGES, 0)));
                self.kids.push(number);
            }
            if Some(id) == metadata
                && let Object::Stream(s) = object
            {
                held = Some((number, s));
                continue;
            }
            self.object(number, &object)?;
        }
        let end = map.values().max().map_or(0, |n| *n as usize + 1);
        if self.offsets.len() < end {
            self.offsets.resize(end, 0);
        }
        if first {
            let Object::Dictionary(catalog) = remap(&Object::Dictionary(catalog), &map) else {
                unreachable!("a dictionary stays one");
            };
            self.first = Some(First {
                catalog,
                info: info.and_then(|i| map.get(&i).copied()),
                id: doc.trailer.get(b"ID").ok().cloned(),
                metadata: held,
            });
        }
        Ok(())
    }

    /// Writes the page tree, the catalog, the metadata, the cross-reference table and the
    /// trailer; returns the writer.
    pub fn finish(mut self) -> Result<W, Error> {
        let first = self.first.take().ok_or_else(|| err("нет страниц"))?;
        if let Some((number, mut stream)) = first.metadata {
            stream.content = with_page_count(&stream.content, self.kids.len());
            self.object(number, &Object::Stream(stream))?;
        }
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set(
            "Kids",
            Object::Array(
                self.kids
                    .iter()
                    .map(|k| Object::Reference((*k, 0)))
                    .collect(),
            ),
        );
        pages.set("Count", Object::Integer(self.kids.len() as i64));
        self.object(PAGES, &Object::Dictionary(pages))?;
        let mut catalog = first.catalog;
        catalog.set("Pages", Object::Reference((PAGES, 0)));
        self.object(CATALOG, &Object::Dictionary(catalog))?;
        let xref = self.at;
        let mut table = Vec::with_capacity(self.offsets.len() * 20 + 64);
        write!(
            table,
            "xref\n0 {}\n0000000000 65535 f\r\n",
            self.offsets.len()
        )
        .map_err(err)?;
        for offset in &self.offsets[1..] {
            write!(table, "{offset:010} 00000 n\r\n").map_err(err)?;
        }
        let mut trailer = Dictionary::new();
        trailer.set("Size", Object::Integer(self.offsets.len() as i64));
        trailer.set("Root", Object::Reference((CATALOG, 0)));
        if let Some(info) = first.info {
            trailer.set("Info", Object::Reference((info, 0)));
        }
        if let Some(id) = first.id {
            trailer.set("ID", id);
        }
        table.extend_from_slice(b"trailer\n");
        serialize(&mut table, &Object::Dictionary(trailer));
        write!(table, "\nstartxref\n{xref}\n%%EOF\n").map_err(err)?;
        self.write(&table)?;
        self.out.flush().map_err(err)?;
        Ok(self.out)
    }
}

/// The XMP packet with its page count (`xmpTPg:NPages`) set to `n`.
fn with_page_count(xmp: &[u8], n: usize) -> Vec<u8> {
    const OPEN: &[u8] = b"<xmpTPg:NPages>";
    const CLOSE: &[u8] = b"</xmpTPg:NPages>";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let Some(start) = find(xmp, OPEN).map(|s| s + OPEN.len()) else {
        return xmp.to_vec();
    };
    let Some(len) = find(&xmp[start..], CLOSE) else {
        return xmp.to_vec();
    };
    [&xmp[..start], n.to_string().as_bytes(), &xmp[start + len..]].concat()
}

/// Every indirect reference inside `object`.
fn references(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| references(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| references(o, out)),
        _ => {}
    }
}

/// `object` with its references renumbered (a reference to what was not taken is null).
fn remap(object: &Object, map: &BTreeMap<ObjectId, u32>) -> Object {
    let dict = |d: &Dictionary| {
        let mut out = Dictionary::new();
        for (k, v) in d.iter() {
            out.set(k.clone(), remap(v, map));
        }
        out
    };
    match object {
        Object::Reference(id) => match map.get(id) {
            Some(n) => Object::Reference((*n, 0)),
            None => Object::Null,
        },
        Object::Array(items) => Object::Array(items.iter().map(|o| remap(o, map)).collect()),
        Object::Dictionary(d) => Object::Dictionary(dict(d)),
        Object::Stream(s) => {
            let mut s2 = s.clone();
            s2.dict = dict(&s.dict);
            Object::Stream(s2)
        }
        other => other.clone(),
    }
}

/// `object` in PDF syntax. Strings are written in hex: no escaping to get wrong.
fn serialize(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(real(f64::from(*r)).as_bytes()),
        Object::Name(n) => name(out, n),
        Object::String(s, _) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode_upper(s).as_bytes());
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, o) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize(out, o);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dictionary(out, d),
        Object::Stream(s) => {
            let mut d = s.dict.clone();
            d.set("Length", Object::Integer(s.content.len() as i64));
            dictionary(out, &d);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((n, g)) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
    }
}

fn dictionary(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        name(out, k);
        out.push(b' ');
        serialize(out, v);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

/// A real number without an exponent (PDF has none), trailing zeros dropped.
fn real(r: f64) -> String {
    let s = format!("{r:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
