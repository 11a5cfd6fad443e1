//! JSON pointers into the case's JSON shape: set a value (making the objects and arrays on
//! the way), remove one, and the pointers of serde's error and unknown-field paths.

use serde_json::Value;

pub(super) fn remove_pointer(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            // Replace rather than remove, so the other items keep their positions.
            Ok(i) if i < items.len() => {
                items[i] = Value::Object(Default::default());
                true
            }
            _ => false,
        },
        _ => false,
    }
}

pub(super) fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

pub(super) fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{}", escape(variant))),
            Segment::Unknown => {}
        }
    }
    out
}

pub(super) fn ignored_pointer(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}/{index}", ignored_pointer(parent)),
        P::Map { parent, key } => format!("{}/{}", ignored_pointer(parent), escape(key)),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_pointer(parent)
        }
    }
}

/// A JSON pointer's segment: an object key or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A pointer's segments, parsed once (a register parses its columns' pointers once for all
/// its rows).
pub(crate) fn segments(pointer: &str) -> Vec<Seg<'_>> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| match s.parse::<usize>() {
            Ok(i) if !s.starts_with('+') => Seg::Index(i),
            _ => Seg::Key(s),
        })
        .collect()
}

/// Sets a value at a JSON pointer, creating the objects and arrays on the way.
pub(crate) fn set_pointer(root: &mut Value, pointer: &str, value: Value) {
    set_segments(root, &segments(pointer), value);
}

/// Sets a value at a pointer given by its segments, creating the objects and arrays on the way.
pub(crate) fn set_segments(root: &mut Value, segs: &[Seg], value: Value) {
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let next = segs.get(i + 1);
        let last = next.is_none();
        let fresh = || match next {
            Some(Seg::Index(_)) => Value::Array(vec![]),
            _ => Value::Object(Default::default()),
        };
        match *seg {
            Seg::Index(index) => {
                if !cur.is_array() {
                    *cur = Value::Array(vec![]);
                }
                let items = cur.as_array_mut().expect("array");
                while items.len() <= index {
                    items.push(Value::Object(Default::default()));
                }
                if last {
                    items[index] = value;
                    return;
                }
                if !(items[index].is_object() || items[index].is_array()) {
                    items[index] = fresh();
                }
                cur = &mut items[index];
            }
            Seg::Key(key) => {
                if !cur.is_object() {
                    *cur = Value::Object(Default::default());
                }
                let map = cur.as_object_mut().expect("object");
                if last {
                    map.insert(key.to_string(), value);
                    return;
                }
                // Most pointers share their first segments: look before making a key.
                if !map.contains_key(key) {
                    map.insert(key.to_string(), fresh());
                }
                let entry = map.get_mut(key).expect("inserted");
                if !(entry.is_object() || entry.is_array()) {
                    *entry = fresh();
                }
                cur = entry;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_pointer_builds_nested_arrays_and_objects() {
        let mut v = Value::Null;
        set_pointer(&mut v, "/a/b/0/c", json!(1));
        set_pointer(&mut v, "/a/b/1/c", json!(2));
        assert_eq!(v, json!({"a": {"b": [{"c": 1}, {"c": 2}]}}));
    }
}
