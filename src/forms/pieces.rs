//! The pieces every form is built of: the appendix head, a document's frame, the lines of a
//! person, a specialist or a parent, check lists from the catalog, the rows of an assessment.

use crate::catalog::catalog;
use crate::doc::{Block, Cell, Check, Col, Document, Fields, Text};
use crate::model::{
    Case, Child, Date, LegalRepresentative, PersonName, Presence, RepresentativeRole, Specialist,
};

pub(crate) const APPENDIX_TAIL: &str = "к Порядку межведомственного взаимодействия органов и учреждений системы профилактики безнадзорности и правонарушений несовершеннолетних Новосибирской области по раннему выявлению и предотвращению детского и семейного неблагополучия, организации работы с несовершеннолетними и семьями по профилактике социального сиротства";

pub(crate) fn appendix(n: u8) -> Block {
    Block::Appendix {
        lines: vec![format!("ПРИЛОЖЕНИЕ № {n}"), APPENDIX_TAIL.to_string()],
    }
}

pub(crate) fn doc(form: &str, title: &str, date: Option<Date>, blocks: Vec<Block>) -> Document {
    use chrono::Datelike;
    Document {
        form: form.to_string(),
        title: title.to_string(),
        date: date.map(|d| (d.0.year(), d.0.month(), d.0.day())),
        landscape: false,
        draft: false,
        blocks,
    }
}

/// Whether a document may be ticked («☒») among the attachments of a form dated `on`: it
/// exists (`doc` is `Some(its date)`) and is dated on or before the form — a form cannot
/// attach what was made after it. A date not recorded is the validator's finding at its
/// field, not a reason to deny a document that is there. Every attachment tick uses this.
pub(crate) fn attached(doc: Option<Option<Date>>, on: Option<Date>) -> bool {
    match (doc, on) {
        (None, _) => false,
        (Some(Some(made)), Some(on)) => made <= on,
        (Some(_), _) => true,
    }
}

/// The date of the case's copy of an attachment (`None`: the case holds no copy).
pub(crate) fn attachment_date(
    case: &Case,
    a: crate::model::NotificationAttachment,
) -> Option<Option<Date>> {
    use crate::model::NotificationAttachment as Att;
    match a {
        Att::HousingInspection => case.housing_inspection.as_ref().map(|h| h.date),
        Att::ChildAssessment => case.child_assessment.as_ref().map(|c| c.date),
        Att::FamilyAssessment => case.family_assessment.as_ref().map(|f| f.date),
    }
}

pub(crate) fn d(date: Option<Date>) -> Option<String> {
    date.map(|d| d.ru())
}

pub(crate) fn v(s: &Option<String>) -> Text {
    Text::value(s.clone())
}

pub(crate) fn vd(date: Option<Date>) -> Text {
    Text::value(d(date))
}

/// Joins the non-empty parts with ", ".
pub(crate) fn join(parts: &[Option<String>]) -> Option<String> {
    let parts: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

pub(crate) fn name(n: &PersonName) -> Option<String> {
    let full = n.full();
    (!full.is_empty()).then_some(full)
}

/// The family's phones as the card and the family assessment print them: «номер (чей)»,
/// joined by «; ».
pub(crate) fn phones(case: &Case) -> String {
    case.family
        .phones
        .iter()
        .map(|p| match &p.owner {
            Some(o) if !o.trim().is_empty() => format!("{} ({})", p.number, o),
            _ => p.number.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// «ФИО /должность/телефон» of a specialist.
pub(crate) fn specialist(s: &Option<Specialist>) -> Text {
    let Some(s) = s else { return Text::BLANK };
    let parts: Vec<String> = [
        name(&s.name),
        s.organization.clone(),
        s.position.clone(),
        s.phone.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.trim().is_empty())
    .collect();
    Text::value((!parts.is_empty()).then(|| parts.join(" / ")))
}

pub(crate) fn representative(
    case: &Case,
    role: RepresentativeRole,
) -> Option<&LegalRepresentative> {
    case.family
        .legal_representatives
        .iter()
        .find(|r| r.role == Some(role))
}

/// «ФИО, телефон» (and the birth date or work place where the form asks for them).
pub(crate) fn parent_line(r: Option<&LegalRepresentative>, birth: bool, work: bool) -> Text {
    let Some(r) = r else { return Text::BLANK };
    Text::value(join(&[
        name(&r.name),
        if birth { d(r.birth_date) } else { None },
        r.phone.clone(),
        if work { r.workplace.clone() } else { None },
    ]))
}

pub(crate) fn child_line(c: &Child, with_school: bool) -> Text {
    Text::value(join(&[
        name(&c.name),
        d(c.birth_date),
        if with_school { c.school.clone() } else { None },
    ]))
}

/// The options of a catalog list as check boxes, the chosen ones marked.
pub(crate) fn option_checks(list: &str, chosen: &[&str]) -> Vec<Check> {
    catalog()
        .list(list)
        .iter()
        .map(|(code, label)| Check::new(label.clone(), chosen.contains(&code.as_str())))
        .collect()
}

/// The six columns `assessment_rows` fills: the group's №, its title, the item's №, its text,
/// the mark and the reason.
pub(crate) fn assessment_columns() -> Vec<Col> {
    vec![
        Col::Fixed,
        Col::Text(14),
        Col::Fixed,
        Col::Text(44),
        Col::Fixed,
        Col::Text(26),
    ]
}

/// The rows of one group of an assessment table as App. 3 lays them out: the group's number
/// and title span its items' rows (so a title never stands alone at a page's foot), then each
/// item's №, text, mark («+»/«-», the catalog's) and reason, tagged with their fields.
pub(crate) fn assessment_rows<'a>(
    number: String,
    title: String,
    items: impl ExactSizeIterator<Item = (&'a String, Option<Presence>, Option<String>)>,
    present_at: Fields,
    reason_at: Fields,
) -> Vec<Vec<Cell>> {
    let n = items.len();
    let mut first = vec![
        Cell::label(number).center().rows(n),
        Cell::label(title).rows(n),
    ];
    items
        .enumerate()
        .map(|(i, (text, present, reason))| {
            let mut row = std::mem::take(&mut first);
            row.extend([
                Cell::label((i + 1).to_string()).center(),
                Cell::label(text.clone()),
                Cell::value(present.map(Presence::label))
                    .center()
                    .at(present_at),
                Cell::value(reason).at(reason_at),
            ]);
            row
        })
        .collect()
}

/// The four levels as printed on the conclusion and the card («НИЗКИЙ» … «УГРОЗА ЖИЗНИ»).
pub(crate) fn level_checks_upper(level: Option<crate::model::RiskLevel>) -> Vec<Check> {
    use crate::model::RiskLevel::*;
    [
        (Low, "НИЗКИЙ"),
        (Medium, "СРЕДНИЙ"),
        (High, "ВЫСОКИЙ"),
        (ThreatToLife, "УГРОЗА ЖИЗНИ"),
    ]
    .into_iter()
    .map(|(l, t)| Check::new(t, level == Some(l)))
    .collect()
}

/// The notified child, or an empty one so that a blank form still prints.
pub(crate) fn the_child(case: &Case) -> Child {
    case.notified_child()
        .map(|(_, c)| c.clone())
        .unwrap_or_default()
}
