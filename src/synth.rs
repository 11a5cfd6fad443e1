//! Synthetic inputs for benchmarks: invented families, deterministic for a given seed, with
//! realistic sizes. Never used for real output.

use crate::sheet_layouts::{
    FATHER_NAME, FATHER_PHONE, Kind, MOTHER_NAME, MOTHER_PHONE, REGISTER_COLUMNS, REGISTER_SHEET,
    REP_NAMES, REP_PHONES,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A small deterministic generator (SplitMix64): benchmarks need the same data every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES_M: &[&str] = &[
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
];
const GIVEN_M: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Артём",
    "Иван",
    "Михаил",
    "Кирилл",
    "Егор",
    "Никита",
    "Тимофей",
];
const GIVEN_F: &[&str] = &[
    "Анастасия",
    "Мария",
    "Дарья",
    "Анна",
    "Виктория",
    "Полина",
    "Елизавета",
    "Ксения",
    "Алиса",
    "Варвара",
];
const PATRONYMIC_ROOTS: &[&str] = &[
    "Александров",
    "Сергеев",
    "Андреев",
    "Викторов",
    "Игорев",
    "Николаев",
    "Олегов",
    "Павлов",
];
const STREETS: &[&str] = &[
    "ул. Каменская",
    "ул. Петухова",
    "ул. Выборная",
    "ул. Зорге",
    "ул. Бориса Богаткова",
    "ул. Связистов",
    "ул. Троллейная",
    "ул. Полевая",
    "ул. Лунная",
    "ул. Ученическая",
];
const SCHOOLS: &[&str] = &[
    "МБОУ СОШ № 57",
    "МБОУ СОШ № 112",
    "МАОУ Гимназия № 7",
    "МБОУ СОШ № 23",
    "МАДОУ д/с № 12",
];
/// The territories of generated rows, in turn (names as a secretary picks them).
const TERRITORIES: &[&str] = &[
    "г. Новосибирск, Ленинский район",
    "г. Новосибирск, Кировский район",
    "г. Бердск",
    "Искитимский район",
];

const AGENCIES: &[(&str, &str)] = &[
    ("МБОУ СОШ № 57", "Образование"),
    (
        "ГБУЗ НСО «Городская детская поликлиника № 4»",
        "Здравоохранение",
    ),
    ("МБУ «КЦСОН Ленинского района»", "Социальная защита"),
    (
        "Отдел опеки и попечительства администрации Ленинского района",
        "Отдел опеки и попечительства",
    ),
    (
        "ОДН ОП № 7 «Ленинский» УМВД России по г. Новосибирску",
        "ПДН",
    ),
];

fn person(rng: &mut Rng, female: bool) -> String {
    let surname = rng.pick(SURNAMES_M);
    let given = if female {
        rng.pick(GIVEN_F)
    } else {
        rng.pick(GIVEN_M)
    };
    let root = rng.pick(PATRONYMIC_ROOTS);
    if female {
        format!("{surname}а {given} {root}на")
    } else {
        format!("{surname} {given} {root}ич")
    }
}

fn phone(rng: &mut Rng) -> String {
    format!(
        "+7 913 {:03}-{:02}-{:02}",
        rng.below(1000),
        rng.below(100),
        rng.below(100)
    )
}

/// What one register row says about the notified child and the family.
struct RowFacts {
    girl: bool,
    child: String,
    birth: (u16, u8, u8),
    mother: String,
    father: String,
    address: String,
    detected: (u16, u8, u8),
    sent: (u16, u8, u8),
    /// «Первичная оценка»: false for «Не проводилась» (no assessor, no attachments), which
    /// makes the register's deadline rule D-DIAG-3 fire once its three days have passed.
    assessed: bool,
}

/// One register row's cells by column label: a valid notification dated in 2026.
pub fn register_row(rng: &mut Rng, n: usize) -> Vec<(usize, Cell)> {
    let girl = rng.below(2) == 0;
    let child = person(rng, girl);
    let mother = person(rng, true);
    let father = person(rng, false);
    let detected = (2026, 1 + rng.below(9) as u8, 1 + rng.below(27) as u8);
    let sent = (detected.0, detected.1, detected.2 + 1);
    let birth = (
        2009 + rng.below(16) as u16,
        1 + rng.below(12) as u8,
        1 + rng.below(28) as u8,
    );
    let address = address(rng);
    let facts = RowFacts {
        girl,
        child,
        birth,
        mother,
        father,
        address,
        detected,
        sent,
        assessed: true,
    };
    row_cells(rng, n, &facts)
}

fn address(rng: &mut Rng) -> String {
    format!(
        "630{:03}, г. Новосибирск, {}, д. {}, кв. {}",
        rng.below(200),
        rng.pick(STREETS),
        1 + rng.below(120),
        1 + rng.below(200)
    )
}

fn row_cells(rng: &mut Rng, n: usize, f: &RowFacts) -> Vec<(usize, Cell)> {
    let (agency, kind) = AGENCIES[rng.below(AGENCIES.len() as u64) as usize];
    let (detected, sent, birth) = (f.detected, f.sent, f.birth);
    let mut cells = Vec::new();
    for (i, col) in REGISTER_COLUMNS.iter().enumerate() {
        let cell = match (col.path, col.kind) {
            ("", _) => Cell::Number(n as f64),
            ("/notification/detection_date", _) => Cell::Date(detected.0, detected.1, detected.2),
            ("/notification/date_sent", _) => Cell::Date(sent.0, sent.1, sent.2),
            ("/family/children/0/birth_date", _) => Cell::Date(birth.0, birth.1, birth.2),
            ("/notification/detection_source", _) => Cell::Text("обращение классного руководителя".into()),
            ("/family/children/0/name", _) => Cell::Text(f.child.clone()),
            ("/family/children/0/school", _) => Cell::Text(format!("{}, {} класс", rng.pick(SCHOOLS), 1 + rng.below(11))),
            (REP_NAMES | REP_PHONES, _) => Cell::Empty,
            (MOTHER_NAME, _) => Cell::Text(f.mother.clone()),
            (FATHER_NAME, _) => Cell::Text(f.father.clone()),
            (MOTHER_PHONE | FATHER_PHONE, _) => Cell::Text(phone(rng)),
            ("/family/address_registered" | "/family/address_actual", _) => Cell::Text(f.address.clone()),
            ("/notification/grounds", _) => Cell::Text(
                "Ребенок систематически приходит в школу без завтрака, в одежде не по сезону; со слов ребенка, мать часто отсутствует дома до позднего вечера."
                    .into(),
            ),
            ("/case_id", _) => Cell::Text(format!("BENCH-{n:06}")),
            // By the row's number, not the generator: the other columns stay as they were.
            ("/territory", _) => Cell::Text(TERRITORIES[n % TERRITORIES.len()].into()),
            ("/family/children/0/sex", _) => Cell::Text(if f.girl { "Ж" } else { "М" }.into()),
            ("/notification/agency", _) => Cell::Text(agency.into()),
            ("/notification/agency_kind", _) => Cell::Text(kind.into()),
            ("/notification/responsible/name", _) => Cell::Text(person(rng, true)),
            ("/notification/responsible/position", _) => Cell::Text("социальный педагог".into()),
            ("/notification/responsible/phone" | "/family/children/0/school_phone", _) => Cell::Text(phone(rng)),
            ("/family/children/0/school_address", _) => Cell::Text(format!("г. Новосибирск, {}, д. {}", rng.pick(STREETS), 1 + rng.below(90))),
            ("/notification/signal_check", _) => Cell::Text("Проводилась, факты подтверждены".into()),
            ("/notification/primary_assessment", _) if !f.assessed => Cell::Text("Не проводилась".into()),
            ("/notification/primary_assessment", _) => Cell::Text("Проведена полностью".into()),
            ("/notification/primary_assessor/name" | "/notification/primary_assessor/position" | "/notification/primary_assessor/phone" | "/notification/attachments", _)
                if !f.assessed => Cell::Empty,
            ("/notification/primary_assessor/name", _) => Cell::Text(person(rng, true)),
            ("/notification/primary_assessor/position", _) => Cell::Text("классный руководитель".into()),
            ("/notification/primary_assessor/phone", _) => Cell::Text(phone(rng)),
            ("/notification/attachments", _) => Cell::Text(
                "Оценка показателей неблагополучия ребенка; Оценка факторов риска семейного неблагополучия".into(),
            ),
            ("/notification/head", _) => Cell::Text(person(rng, false)),
            (_, Kind::Date) => Cell::Date(sent.0, sent.1, sent.2),
            _ => Cell::Empty,
        };
        cells.push((i, cell));
    }
    cells
}

pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(u16, u8, u8),
}

fn write_header(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name(REGISTER_SHEET)?;
    for (c, col) in REGISTER_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, col.label)?;
    }
    Ok(())
}

fn write_row(
    ws: &mut Worksheet,
    r: u32,
    cells: Vec<(usize, Cell)>,
    date: &Format,
) -> Result<(), XlsxError> {
    for (c, cell) in cells {
        let c = c as u16;
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => {
                ws.write_string(r, c, t)?;
            }
            Cell::Number(x) => {
                ws.write_number(r, c, x)?;
            }
            Cell::Date(y, m, d) => {
                ws.write_datetime_with_format(r, c, &ExcelDateTime::from_ymd(y, m, d)?, date)?;
            }
        }
    }
    Ok(())
}

/// A register of `rows` invented notifications, as xlsx bytes.
pub fn register_xlsx(rows: usize, seed: u64) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    write_header(ws)?;
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let mut rng = Rng::new(seed);
    for n in 1..=rows {
        write_row(ws, n as u32, register_row(&mut rng, n), &date)?;
    }
    book.save_to_buffer()
}

// The children a scale register can name: sex × surname × given name × patronymic × birth
// day. Row i's child is identity (i · STRIDE + offset) mod IDENTITIES, a bijection, so
// children are distinct without a set of the ones already used.
const BIRTH_FIRST: (i32, u32, u32) = (2009, 1, 1);
const BIRTH_DAYS: u64 = 5844; // 2009-01-01..=2024-12-31: under 18 and born before 10.2026
const NAMES: u64 = 2 * 20 * 10 * 8;
const IDENTITIES: u64 = NAMES * BIRTH_DAYS;
const STRIDE: u64 = 1_000_003;
const _: () = assert!(
    gcd(STRIDE, IDENTITIES) == 1,
    "the row → child map must be one-to-one"
);
// Notifications detected 01.10.2026..=27.11.2026, in row order, as a register grows; with
// `--today 01.12.2026` D-DIAG-3 is overdue on the rows whose assessment was not done.
const DETECTED_DAYS: usize = 58;

fn ymd(d: chrono::NaiveDate) -> (u16, u8, u8) {
    use chrono::Datelike;
    (d.year() as u16, d.month() as u8, d.day() as u8)
}

fn scale_facts(rng: &mut Rng, i: usize, rows: usize, child: u64, seed: u64) -> RowFacts {
    let id = (child % IDENTITIES * STRIDE + seed % IDENTITIES) % IDENTITIES;
    let (names, day) = (id / BIRTH_DAYS, id % BIRTH_DAYS);
    let girl = names % 2 == 0;
    let surname = SURNAMES_M[(names / 2 % 20) as usize];
    let given = if girl { GIVEN_F } else { GIVEN_M }[(names / 40 % 10) as usize];
    let root = PATRONYMIC_ROOTS[(names / 400) as usize];
    let father_given = [
        "Александр",
        "Сергей",
        "Андрей",
        "Виктор",
        "Игорь",
        "Николай",
        "Олег",
        "Павел",
    ][(names / 400) as usize];
    let child_name = if girl {
        format!("{surname}а {given} {root}на")
    } else {
        format!("{surname} {given} {root}ич")
    };
    // The family is the child's: the same parents and address each time the child recurs.
    let mut family = Rng::new(id ^ 0x5EED_FA11);
    let mother = format!(
        "{surname}а {} {}на",
        family.pick(GIVEN_F),
        family.pick(PATRONYMIC_ROOTS)
    );
    let father = format!(
        "{surname} {father_given} {}ич",
        family.pick(PATRONYMIC_ROOTS)
    );
    let address = address(&mut family);
    let born = chrono::NaiveDate::from_ymd_opt(BIRTH_FIRST.0, BIRTH_FIRST.1, BIRTH_FIRST.2)
        .expect("date")
        + chrono::Days::new(day);
    let detected = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")
        + chrono::Days::new((i * DETECTED_DAYS / rows.max(1)) as u64);
    let sent = detected + chrono::Days::new(rng.below(2));
    RowFacts {
        girl,
        child: child_name,
        birth: ymd(born),
        mother,
        father,
        address,
        detected: ymd(detected),
        sent: ymd(sent),
        // About one in six, as in the fixture register (4 of 26).
        assessed: rng.below(6) != 0,
    }
}

/// A register of `rows` invented notifications of October–November 2026, written to `path`
/// row by row (rust_xlsxwriter's low-memory mode: constant memory for the cells, strings
/// shared as Excel and openpyxl write them), so 100,000 rows take seconds and little memory.
/// Each row names a child of its own, unless `repeat_every` is `Some(n)`: then row i is about
/// the child of row i mod n (`Some(1)`: one child throughout), each with its own case ID.
/// Every row is valid; about one in six has no primary assessment (D-DIAG-3 warnings).
pub fn write_register(
    path: &std::path::Path,
    rows: usize,
    seed: u64,
    repeat_every: Option<usize>,
) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet_with_low_memory()?;
    write_header(ws)?;
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let mut rng = Rng::new(seed);
    for i in 0..rows {
        let child = repeat_every.map_or(i, |n| i % n.max(1)) as u64;
        let facts = scale_facts(&mut rng, i, rows, child, seed);
        let n = i + 1;
        write_row(ws, n as u32, row_cells(&mut rng, n, &facts), &date)?;
    }
    book.save(path)
}

const fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `n` invented cases for benchmarks, made from the given templates (the fixtures): each gets
/// its own case ID and invented names for the family, so no two are duplicates.
///
/// The mix follows the procedure's funnel rather than the fixtures' (which are all complete
/// files): 4 in 10 are notifications still at the single window (notification and
/// assessments), 2 in 10 low risk with a departmental plan, 4 in 10 open cases with the
/// whole support card — each from a template of that kind, dates unchanged.
pub fn cases(templates: &[crate::model::Case], n: usize, seed: u64) -> Vec<crate::model::Case> {
    use crate::model::RiskLevel;
    let mut rng = Rng::new(seed);
    let low: Vec<&crate::model::Case> = templates
        .iter()
        .filter(|c| c.risk_level() == Some(RiskLevel::Low))
        .collect();
    let open: Vec<&crate::model::Case> = templates
        .iter()
        .filter(|c| c.risk_level().is_some_and(|l| l.opens_case()))
        .collect();
    (0..n)
        .map(|i| {
            let mut c = match i % 10 {
                0..=3 => {
                    // At the single window: what an agency sent, nothing decided yet.
                    let t = templates[i % templates.len()].clone();
                    crate::model::Case {
                        case_id: String::new(),
                        family: t.family,
                        notification: t.notification,
                        child_assessment: t.child_assessment,
                        family_assessment: t.family_assessment,
                        ..Default::default()
                    }
                }
                4 | 5 if !low.is_empty() => low[i % low.len()].clone(),
                _ if !open.is_empty() => open[i % open.len()].clone(),
                _ => templates[i % templates.len()].clone(),
            };
            c.case_id = format!("BENCH-{:06}", i + 1);
            c.territory = crate::model::Territory::parse(TERRITORIES[i % TERRITORIES.len()]);
            for child in &mut c.family.children {
                let girl = child.sex == Some(crate::model::Sex::F);
                child.name = crate::model::PersonName::parse(&person(&mut rng, girl));
            }
            for r in &mut c.family.legal_representatives {
                let female = r.role == Some(crate::model::RepresentativeRole::Mother);
                r.name = crate::model::PersonName::parse(&person(&mut rng, female));
            }
            vary_texts(&mut c, &mut rng);
            c
        })
        .collect()
}

/// Gives the case's free texts (reasons, notes, plan rows, results…) wording of its own, as
/// every real family's file has: without it the generated cases would repeat the fixtures'
/// sentences cell for cell, which no real batch does (and which Typst's cache would turn
/// into a flattering benchmark). A text repeated within the case (a plan task quoted in the
/// monitoring) gets the same wording at each place, so the case checks as before.
fn vary_texts(case: &mut crate::model::Case, rng: &mut Rng) {
    const SOURCES: &[&str] = &[
        "классного руководителя",
        "социального педагога",
        "матери",
        "соседей",
        "инспектора ОДН",
        "участкового педиатра",
        "куратора",
        "бабушки",
    ];
    const MONTHS: &[&str] = &[
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    // The narrative fields of the forms; names, addresses, organizations and option codes
    // stay as they are.
    const NARRATIVE: &[&str] = &[
        "reason",
        "note",
        "notes",
        "description",
        "result",
        "grounds",
        "strengths",
        "weaknesses",
        "task",
        "measures",
        "issues",
        "factors",
        "main_problems",
        "difficulties",
        "proposals",
        "family_participation",
        "child_view",
        "parents_view",
        "reported_reasons",
        "family_problems",
        "measures_needed",
        "relations_notes",
        "school_notes",
        "text",
    ];
    fn walk(
        v: &mut serde_json::Value,
        narrative: bool,
        rng: &mut Rng,
        seen: &mut std::collections::HashMap<String, String>,
    ) {
        match v {
            serde_json::Value::String(s) if narrative && s.chars().count() > 3 => {
                let varied = seen.entry(s.clone()).or_insert_with(|| {
                    let day = 1 + rng.below(28);
                    let month = rng.pick(MONTHS);
                    let clause = match rng.below(5) {
                        0 => format!(" (со слов {})", rng.pick(SOURCES)),
                        1 => format!("; отмечено {day} {month}"),
                        2 => format!(", по сведениям {} на {day} {month}", rng.pick(SOURCES)),
                        3 => format!("; повторно — {day} {month}, {}", rng.pick(SOURCES)),
                        _ => format!(" — уточнено {day} {month}"),
                    };
                    format!("{s}{clause}")
                });
                *s = varied.clone();
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|x| walk(x, narrative, rng, seen))
            }
            serde_json::Value::Object(map) => map
                .iter_mut()
                .for_each(|(k, x)| walk(x, NARRATIVE.contains(&k.as_str()), rng, seen)),
            _ => {}
        }
    }
    let Ok(mut value) = serde_json::to_value(&*case) else {
        return;
    };
    walk(
        &mut value,
        false,
        rng,
        &mut std::collections::HashMap::new(),
    );
    if let Ok(varied) = serde_json::from_value(value) {
        *case = varied;
    }
}

/// The cases of a folder of fixture files (`fixtures/cases`), in file-name order: the
/// templates the generators vary.
pub fn fixture_templates(dir: &std::path::Path) -> Vec<crate::model::Case> {
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            crate::ingest::read_path(p)
                .expect("fixture")
                .cases
                .remove(0)
                .case
        })
        .collect()
}
