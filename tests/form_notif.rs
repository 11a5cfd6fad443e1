//! Issue 21 for App. 2 (notification), App. 3 (child assessment), the conclusion and the new
//! App. 4 (family assessment): the conclusion's family factors filled from the assessment,
//! the family assessment printed as a form of the catalog's factors, the values dropped so
//! far given a place, and App. 2's sex and option boxes where seed 003 puts them. Each is read
//! as a secretary reads it: the DOCX table cells, in order.

mod common;

use common::forms::{clean, docx_rows_spaced, fixture as case, form};
use okno::doc::Document;
use okno::render::Format;

/// The DOCX of a form.
fn docx(doc: &Document) -> Vec<u8> {
    Format::Docx.write(doc).unwrap()
}

/// The row whose first cell is `first`.
fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row «{first}» in {rows:#?}"))
}

const HOUSING_FACTOR: &str = "Состояние жилья соответствует нормам";

#[test]
fn the_conclusions_family_factor_table_shows_the_factors_the_family_assessment_marks() {
    // NSK-2026-0001: the family assessment (12.08.2026, before the conclusion of 14.08.2026)
    // marks I.1 «+» with a reason; the conclusion printed the row empty.
    let c = case("NSK-2026-0001");
    let reason = c.family_assessment.as_ref().unwrap().marks[0]
        .reason
        .clone()
        .unwrap();
    let rows = docx_rows_spaced(&docx(&form(&c, "conclusion")));
    let factor = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == HOUSING_FACTOR))
        .expect("the factor's row");
    assert_eq!(
        factor,
        &["1", HOUSING_FACTOR, "+", &clean(&reason)],
        "{rows:#?}"
    );
    // An assessment made after the conclusion was not its basis: the row stays empty.
    let mut later = c.clone();
    later.family_assessment.as_mut().unwrap().date = okno::model::Date::ymd(2026, 8, 20);
    let rows = docx_rows_spaced(&docx(&form(&later, "conclusion")));
    let factor = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == HOUSING_FACTOR))
        .expect("the factor's row");
    assert_eq!(factor, &["1", HOUSING_FACTOR, "", ""], "{rows:#?}");
}

#[test]
fn the_family_assessment_is_a_form_of_the_catalogs_factors_with_the_cases_marks() {
    assert!(okno::forms::form_codes().contains(&"family_assessment"));
    let c = case("NSK-2026-0001");
    let a = c.family_assessment.as_ref().unwrap();
    let doc = form(&c, "family_assessment");
    assert_eq!(doc.title, "Оценка факторов риска семейного неблагополучия");
    let rows = docx_rows_spaced(&docx(&doc));
    // The catalog's every section and factor, with the case's mark and reason.
    let cat = okno::catalog::catalog();
    for s in &cat.family.section {
        for (i, f) in s.factors.iter().enumerate() {
            let id = format!("{}.{}", s.number, i + 1);
            let r = rows
                .iter()
                .find(|r| r.len() >= 4 && r[r.len() - 3] == *f)
                .unwrap_or_else(|| panic!("no factor «{f}»"));
            // As App. 3: the section's number and title beside its first factor.
            if i == 0 {
                assert_eq!(r[..2], [s.number.clone(), s.title.clone()]);
            }
            let r = &r[r.len() - 4..];
            let mark = a.marks.iter().find(|m| m.factor == id);
            let sign = match mark.and_then(|m| m.present) {
                Some(okno::model::Presence::Plus) => "+",
                Some(okno::model::Presence::Minus) => "-",
                None => "",
            };
            let reason = clean(mark.and_then(|m| m.reason.as_deref()).unwrap_or(""));
            assert_eq!(r, &[(i + 1).to_string(), f.clone(), sign.into(), reason]);
        }
    }
    assert!(a.marks.iter().any(|m| m.reason.is_some()));
    // The head: who assessed, when, for which agency.
    let assessor = row(
        &rows,
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
    );
    assert_eq!(
        assessor[1],
        "Фомина Елена Аркадьевна / старший воспитатель / 8 (383) 341-27-91"
    );
    assert_eq!(row(&rows, "Дата заполнения:")[1], "12.08.2026");
    assert_eq!(
        row(
            &rows,
            "Наименование органа (учреждения) системы профилактики:"
        )[1],
        "МАДОУ д/с № 12"
    );
}

#[test]
fn phone_owners_workplaces_and_every_childs_school_are_on_the_family_assessment() {
    // NSK-2026-0001 is a low-risk family: no card prints the phones' owners, and the second
    // child's school address and notes stood on no form.
    let c = case("NSK-2026-0001");
    let rows = docx_rows_spaced(&docx(&form(&c, "family_assessment")));
    assert_eq!(
        row(&rows, "Контактные телефоны:")[1],
        "+7 913 452-18-07 (мать, Мельникова О. В.); +7 923 118-40-63 (отец, Мельников С. А.)"
    );
    let father = row(
        &rows,
        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы отца/должность:",
    );
    assert!(
        father[1].ends_with("не работает с мая 2026 г., разовые подработки"),
        "{father:?}"
    );
    let artem = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "Мельников Артём Сергеевич"))
        .expect("the second child's row");
    assert_eq!(
        artem,
        &[
            "Мельников Артём Сергеевич",
            "11.03.2016",
            "МБОУ СОШ № 57, 4 «Б» класс",
            "630108, г. Новосибирск, ул. Станиславского, д. 9",
            "8 (383) 341-05-62",
            "Успевает удовлетворительно, замечаний по посещаемости нет",
        ]
    );
}

#[test]
fn the_sex_stands_in_the_birth_date_row_on_the_notification_and_the_conclusion() {
    // Seed 003: «Дата рождения: | … | Пол: М ☐ | Пол: Ж ☐», one row.
    let c = case("NSK-2026-0001"); // Варвара, 02.07.2021, Ж
    for code in ["notification", "conclusion"] {
        let rows = docx_rows_spaced(&docx(&form(&c, code)));
        assert_eq!(
            row(&rows, "Дата рождения:"),
            &["Дата рождения:", "02.07.2021", "☐ Пол: М", "☒ Пол: Ж"],
            "{code}"
        );
    }
}

#[test]
fn the_notifications_options_are_the_seeds_grids() {
    // Seed 003 lays each group out as a row: the label, the first option, the other two
    // stacked beside it.
    let c = case("NSK-2026-0001");
    let rows = docx_rows_spaced(&docx(&form(&c, "notification")));
    assert_eq!(
        row(&rows, "Проверка сигнала о фактах неблагополучия:"),
        &[
            "Проверка сигнала о фактах неблагополучия:",
            "☐ Не проводилась",
            "☒ Проводилась, факты подтверждены ☐ Проводилась, факты не подтверждены",
        ]
    );
    assert_eq!(
        row(&rows, "Первичная оценка:"),
        &[
            "Первичная оценка:",
            "☐ Не проводилась",
            "☐ Проведена частично ☒ Проведена полностью",
        ]
    );
    assert_eq!(
        row(&rows, "Приложения к извещению:"),
        &[
            "Приложения к извещению:",
            "☐ Акт обследования ЖБУ (только для специалистов КЦСОН и ООиП)",
            "☒ Оценка показателей неблагополучия ребенка ☒ Оценка факторов риска семейного неблагополучия",
        ]
    );
}
