//! Every rule of RULES.md: a case that triggers it and one that does not. Each test starts
//! from a complete, clean case (high risk, or low risk) and changes one thing.

use okno::diagnostic::{Diagnostic, Severity};
use okno::ingest::case_from_value;
use okno::model::Case;
use okno::validate::{Settings, validate};
use serde_json::{Value, json};

const TODAY: (i32, u32, u32) = (2026, 11, 24);

fn settings() -> Settings {
    Settings {
        today: chrono::NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap(),
    }
}

/// A high-risk case in which every document is present and every deadline kept.
fn high() -> Value {
    json!({
        "case_id": "T-2026-0001",
        "territory": "г. Новосибирск, Ленинский район",
        "family": {
            "legal_representatives": [
                {"name": "Зайцева Оксана Викторовна", "role": "mother", "birth_date": "1989-06-12", "phone": "+7 913 452-18-07", "workplace": "не работает"}
            ],
            "children": [
                {"name": "Зайцев Матвей Ильич", "birth_date": "15.03.2014", "sex": "М", "school": "МБОУ СОШ № 57, 6 «А» класс"}
            ],
            "address_actual": "630099, г. Новосибирск, ул. Каменская, д. 48, кв. 17",
            "address_registered": "630099, г. Новосибирск, ул. Каменская, д. 48, кв. 17",
            "phones": [{"number": "8 (913) 452-18-07", "owner": "мать"}],
            "family_types": ["Неполная кровная"]
        },
        "notification": {
            "agency": "МБОУ СОШ № 57", "agency_kind": "education",
            "responsible": {"name": "Гаврилова Нина Петровна", "position": "социальный педагог", "phone": "+7 913 000-12-34"},
            "detection_date": "2026-09-01", "detection_source": "классный руководитель",
            "date_sent": "2026-09-04", "date_received": "2026-09-04",
            "grounds": "Следы побоев на руках, ребенок боится идти домой.",
            "signal_check": "confirmed", "primary_assessment": "fully",
            "primary_assessor": {"name": "Лаптева Ольга Игоревна", "position": "классный руководитель", "phone": "+7 913 000-56-78"},
            "attachments": ["child_assessment", "family_assessment"],
            "head": "Тихонов А. В."
        },
        "child_assessment": {
            "assessor": {"name": "Лаптева Ольга Игоревна", "position": "классный руководитель", "phone": "+7 913 000-56-78"},
            "agency": "МБОУ СОШ № 57", "date": "2026-09-03",
            "marks": [
                {"criterion": 1, "indicator": 1, "present": "+"},
                {"criterion": 2, "indicator": 3, "present": "+", "reason": "плаксив, тревожен"},
                {"criterion": 3, "indicator": 4, "present": "+", "reason": "вздрагивает при повышении голоса"},
                {"criterion": 4, "indicator": 1, "present": "+"},
                {"criterion": 5, "indicator": 3, "present": "+", "reason": "пропуски без уважительной причины"},
                {"criterion": 6, "indicator": 1, "present": "+"},
                {"criterion": 7, "indicator": 4, "present": "+", "reason": "секции не посещает"}
            ]
        },
        "family_assessment": {
            "assessor": {"name": "Лаптева Ольга Игоревна", "position": "классный руководитель"},
            "date": "2026-09-03",
            "marks": [{"factor": "I.1", "present": "-"}]
        },
        "housing_inspection": {
            "organization": "МБУ «КЦСОН Ленинского района»", "date": "2026-09-10",
            "subject": "Зайцева Оксана Викторовна", "subject_phone": "+7 913 452-18-07",
            "monthly_income": 45000, "household_members": 3, "per_capita_income": 15000,
            "ownership": "социальный найм", "heating": ["Центральное отопление"]
        },
        "conclusion": {
            "agency": "МБОУ СОШ № 57", "date": "2026-09-07", "risk_level": "high",
            "basis_indicators": ["2.3", "3.4", "5.3"], "officer": "Кравец Е. С.",
            "responsible_body": "МБУ «КЦСОН Ленинского района»", "responsible_body_kind": "social_protection"
        },
        "case_opening": {
            "decision_number": "14", "date": "2026-09-08",
            "curator": {"name": "Рябова Алина Сергеевна", "position": "специалист по социальной работе", "phone": "+7 383 274-55-19", "organization": "МБУ «КЦСОН Ленинского района»"}
        },
        "support_card": {
            "organization": "МБУ «КЦСОН Ленинского района»",
            "assessment_started": "2026-09-10", "completed": "2026-09-25",
            "domains": [
                {"domain": "housing_income", "strengths": "жилье есть", "weaknesses": "долг ЖКХ", "level": "low"},
                {"domain": "health", "level": "low"},
                {"domain": "safety", "weaknesses": "побои", "level": "high"},
                {"domain": "education", "weaknesses": "пропуски", "level": "medium"},
                {"domain": "family_relations", "weaknesses": "конфликты", "level": "high"},
                {"domain": "social_relations", "level": "low"}
            ],
            "plan": {
                "from": "2026-09-25", "to": "2026-12-25",
                "curator": {"name": "Рябова Алина Сергеевна", "position": "специалист по социальной работе"},
                "rows": [
                    {"domain": "safety", "task": "Обеспечить безопасность ребенка", "measures": "беседа с матерью, контроль", "deadline": "2026-10-15", "responsible": "куратор Рябова А. С."},
                    {"domain": "education", "task": "Восстановить посещение школы", "measures": "контроль посещаемости", "deadline": "2026-12-20", "responsible": "МБОУ СОШ № 57"},
                    {"domain": "family_relations", "task": "Снизить конфликтность", "measures": "консультации психолога", "deadline": "2026-12-25", "responsible": "психолог КЦСОН"}
                ]
            }
        },
        "monitoring": [
            {"kind": "interim", "date": "2026-11-20", "decision_number": "14", "decision_date": "2026-09-08", "risk_level": "medium",
             "tasks": [{"task": "Обеспечить безопасность ребенка", "result": "следов насилия нет"}],
             "responsible": {"name": "Рябова Алина Сергеевна", "position": "специалист по социальной работе"}}
        ],
        "consilium": [
            {"number": "21", "date": "2026-10-01", "text": "ИПР согласовать", "minutes_sent": "2026-10-05"}
        ]
    })
}

/// The same family at low risk: a departmental plan, no case opened.
fn low() -> Value {
    let mut v = high();
    let o = v.as_object_mut().unwrap();
    o.remove("case_opening");
    o.remove("support_card");
    o.remove("consilium");
    o.insert(
        "departmental_plan".into(),
        json!({
            "agency": "МБОУ СОШ № 57", "agency_kind": "education",
            "responsible": {"name": "Гаврилова Нина Петровна", "position": "социальный педагог", "phone": "+7 913 000-12-34"},
            "from": "2026-09-08", "to": "2026-12-08", "problems": "пропуски занятий",
            "rows": [{"task": "Восстановить посещение школы", "measures": "контроль посещаемости", "deadline": "2026-11-01", "responsible": "классный руководитель"}]
        }),
    );
    set(
        &mut v,
        "/conclusion",
        json!({
            "date": "2026-09-07", "risk_level": "low", "basis_indicators": ["5.3"], "officer": "Кравец Е. С.",
            "responsible_body": "МБОУ СОШ № 57", "responsible_body_kind": "education", "family_consent": "Да"
        }),
    );
    set(
        &mut v,
        "/child_assessment/marks",
        json!([
            {"criterion": 1, "indicator": 1, "present": "+"}, {"criterion": 2, "indicator": 1, "present": "+"},
            {"criterion": 3, "indicator": 1, "present": "+"}, {"criterion": 4, "indicator": 1, "present": "+"},
            {"criterion": 5, "indicator": 3, "present": "+", "reason": "пропуски без уважительной причины"},
            {"criterion": 6, "indicator": 1, "present": "+"}, {"criterion": 7, "indicator": 2, "present": "+", "reason": "посещает секцию нерегулярно"}
        ]),
    );
    set(
        &mut v,
        "/monitoring",
        json!([
            {"kind": "interim", "date": "2026-11-10", "assignment": "МБОУ СОШ № 57 назначена ответственной (заключение ЕО от 07.09.2026)", "risk_level": "low",
             "tasks": [{"task": "Восстановить посещение школы", "result": "пропусков в ноябре нет"}]}
        ]),
    );
    v
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    okno_set(v, pointer, new)
}

/// Sets (or, with null, removes) the value at a pointer, creating objects on the way.
fn okno_set(v: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let mut cur = v;
    for seg in parent.split('/').skip(1) {
        cur = match cur {
            Value::Array(a) => &mut a[seg.parse::<usize>().unwrap()],
            Value::Object(o) => o.entry(seg.to_string()).or_insert_with(|| json!({})),
            _ => panic!("bad pointer {pointer}"),
        };
    }
    match (cur, new) {
        (Value::Object(o), Value::Null) => {
            o.remove(key);
        }
        (Value::Object(o), n) => {
            o.insert(key.to_string(), n);
        }
        (Value::Array(a), n) => a[key.parse::<usize>().unwrap()] = n,
        _ => panic!("bad pointer {pointer}"),
    }
}

/// Reads a case as ingest would and validates it: reading and checking diagnostics together.
fn check(v: Value) -> Vec<Diagnostic> {
    let (case, mut diags) = case_from_value(v, true);
    let case: Case = case.expect("case reads");
    diags.extend(validate(&case, &settings()));
    diags
}

fn with(mut v: Value, changes: &[(&str, Value)]) -> Vec<Diagnostic> {
    for (p, n) in changes {
        set(&mut v, p, n.clone());
    }
    check(v)
}

fn find<'a>(diags: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

/// The rule fires once or more, with this severity, at this pointer.
#[track_caller]
fn fires(diags: &[Diagnostic], rule: &str, severity: Severity, pointer: &str) -> String {
    let hits = find(diags, rule);
    let hit = hits
        .iter()
        .find(|d| d.pointer == pointer)
        .unwrap_or_else(|| panic!("{rule} at {pointer} expected; got {diags:#?}"));
    assert_eq!(hit.severity, severity, "{hit:#?}");
    hit.message.clone()
}

#[track_caller]
fn silent(diags: &[Diagnostic], rule: &str) {
    let hits = find(diags, rule);
    assert!(hits.is_empty(), "{rule} should not fire: {hits:#?}");
}

#[test]
fn the_base_cases_are_clean() {
    for (name, v) in [("high", high()), ("low", low())] {
        let d = check(v);
        assert!(d.is_empty(), "{name}: {d:#?}");
    }
}

#[test]
fn n_territory_missing_is_a_warning() {
    let mut v = high();
    v.as_object_mut().unwrap().remove("territory");
    let m = fires(&check(v), "N-TERRITORY", Severity::Warning, "/territory");
    assert!(m.contains("не указана территория"), "{m}");
    // The code reads as well as the name.
    let mut v = high();
    v["territory"] = json!("nsk_leninsky");
    silent(&check(v), "N-TERRITORY");
}

// ---- Deadlines ----

#[test]
fn d_diag_3_assessment_more_than_3_days_after_detection() {
    silent(&check(high()), "D-DIAG-3");
    let d = with(high(), &[("/child_assessment/date", json!("2026-09-06"))]);
    let m = fires(&d, "D-DIAG-3", Severity::Warning, "/child_assessment/date");
    assert!(
        m.contains("04.09.2026") && m.contains("просрочка 2 дн."),
        "{m}"
    );
    // No assessment yet: overdue only when the notification says none was made.
    let mut v = high();
    for k in [
        "child_assessment",
        "family_assessment",
        "conclusion",
        "case_opening",
        "support_card",
        "monitoring",
        "consilium",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    silent(&check(v.clone()), "D-DIAG-3");
    set(
        &mut v,
        "/notification/primary_assessment",
        json!("not_done"),
    );
    let m = fires(
        &check(v),
        "D-DIAG-3",
        Severity::Warning,
        "/child_assessment/date",
    );
    assert!(m.contains("нет сведений") && m.contains("81 дн."), "{m}");
}

#[test]
fn d_notify_1_notification_more_than_a_day_after_diagnostics() {
    silent(&check(high()), "D-NOTIFY-1");
    let d = with(
        high(),
        &[
            ("/notification/date_sent", json!("2026-09-07")),
            ("/notification/date_received", json!("2026-09-07")),
        ],
    );
    let m = fires(
        &d,
        "D-NOTIFY-1",
        Severity::Warning,
        "/notification/date_sent",
    );
    assert!(
        m.contains("срок — 04.09.2026") && m.contains("просрочка 3 дн."),
        "{m}"
    );
}

#[test]
fn d_sw_3_conclusion_late_or_missing() {
    silent(&check(high()), "D-SW-3");
    let d = with(high(), &[("/conclusion/date", json!("2026-09-10"))]);
    let m = fires(&d, "D-SW-3", Severity::Warning, "/conclusion/date");
    assert!(
        m.contains("07.09.2026") && m.contains("просрочка 3 дн."),
        "{m}"
    );
    // No conclusion at all on the run date: overdue by the days since the due date.
    let mut v = high();
    for k in [
        "conclusion",
        "case_opening",
        "support_card",
        "monitoring",
        "consilium",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    let d = check(v.clone());
    let m = fires(&d, "D-SW-3", Severity::Warning, "/conclusion/date");
    assert!(m.contains("нет сведений") && m.contains("78 дн."), "{m}");
    // An agency's own record without the single window's receipt date says nothing of it.
    set(&mut v, "/notification/date_received", Value::Null);
    silent(&check(v), "D-SW-3");
}

#[test]
fn d_card_20_card_parts_filled_late() {
    silent(&check(high()), "D-CARD-20");
    let d = with(
        high(),
        &[
            ("/support_card/completed", json!("2026-10-01")),
            ("/consilium/0/date", json!("2026-10-05")),
        ],
    );
    let m = fires(
        &d,
        "D-CARD-20",
        Severity::Warning,
        "/support_card/completed",
    );
    assert!(
        m.contains("28.09.2026") && m.contains("просрочка 3 дн."),
        "{m}"
    );
}

#[test]
fn d_consilium_10_card_not_considered_in_time() {
    silent(&check(high()), "D-CONSILIUM-10");
    let d = with(
        high(),
        &[
            ("/consilium/0/date", json!("2026-10-08")),
            ("/consilium/0/minutes_sent", json!("2026-10-09")),
        ],
    );
    let m = fires(&d, "D-CONSILIUM-10", Severity::Warning, "/consilium");
    assert!(
        m.contains("05.10.2026") && m.contains("просрочка 3 дн."),
        "{m}"
    );
}

#[test]
fn d_monitor_3m_monitoring_overdue_while_the_case_is_open() {
    silent(&check(high()), "D-MONITOR-3M");
    // Opened 08.09.2026 with no monitoring yet: due 08.12.2026, not yet on 24.11.2026.
    silent(&with(high(), &[("/monitoring", json!([]))]), "D-MONITOR-3M");
    let d = with(
        high(),
        &[
            ("/monitoring", json!([])),
            ("/case_opening/date", json!("2026-08-01")),
        ],
    );
    let m = fires(&d, "D-MONITOR-3M", Severity::Warning, "/monitoring");
    assert!(m.contains("01.11.2026") && m.contains("23 дн."), "{m}");
    // A closed case is not monitored any more.
    let d = with(
        high(),
        &[
            ("/monitoring", json!([])),
            ("/case_opening/date", json!("2026-08-01")),
            ("/closure", json!({"date": "2026-10-01"})),
        ],
    );
    silent(&d, "D-MONITOR-3M");
}

#[test]
fn d_plan_3m_plan_period() {
    silent(&check(high()), "D-PLAN-3M");
    let d = with(high(), &[("/support_card/plan/to", json!("2026-12-31"))]);
    let m = fires(&d, "D-PLAN-3M", Severity::Warning, "/support_card/plan/to");
    assert!(m.contains("25.12.2026"), "{m}");
    let d = with(high(), &[("/support_card/plan/to", json!("2026-09-01"))]);
    fires(&d, "D-PLAN-3M", Severity::Error, "/support_card/plan/to");
}

#[test]
fn d_minutes_10_minutes_sent_late() {
    silent(&check(high()), "D-MINUTES-10");
    let d = with(
        high(),
        &[("/consilium/0/minutes_sent", json!("2026-10-20"))],
    );
    let m = fires(
        &d,
        "D-MINUTES-10",
        Severity::Warning,
        "/consilium/0/minutes_sent",
    );
    assert!(
        m.contains("11.10.2026") && m.contains("просрочка 9 дн."),
        "{m}"
    );
}

// ---- Routing ----

#[test]
fn r_low_no_case_no_curator_and_the_attendance_rule() {
    silent(&check(low()), "R-LOW");
    let d = with(
        low(),
        &[(
            "/case_opening",
            json!({"curator": {"name": "Рябова Алина Сергеевна"}}),
        )],
    );
    fires(&d, "R-LOW", Severity::Error, "/case_opening/curator/name");
    let d = with(
        low(),
        &[("/support_card", json!({"organization": "КЦСОН"}))],
    );
    fires(&d, "R-LOW", Severity::Error, "/support_card");
    // The child attends a school, so the school leads the plan, not a social service.
    let d = with(
        low(),
        &[(
            "/conclusion/responsible_body_kind",
            json!("social_protection"),
        )],
    );
    fires(
        &d,
        "R-LOW",
        Severity::Warning,
        "/conclusion/responsible_body_kind",
    );
}

#[test]
fn r_low_school_column_saying_not_attending_is_not_a_school() {
    let d = with(
        low(),
        &[
            ("/family/children/0/school", json!("не посещает")),
            (
                "/conclusion/responsible_body_kind",
                json!("social_protection"),
            ),
        ],
    );
    silent(&d, "R-LOW");
    let d = with(
        low(),
        &[("/family/children/0/school", json!("не посещает"))],
    );
    fires(
        &d,
        "R-LOW",
        Severity::Warning,
        "/conclusion/responsible_body_kind",
    );
}

#[test]
fn r_open_medium_or_high_needs_a_curator() {
    silent(&check(high()), "R-OPEN");
    let d = with(high(), &[("/case_opening/curator", Value::Null)]);
    fires(&d, "R-OPEN", Severity::Error, "/case_opening/curator/name");
}

#[test]
fn r_threat_curator_and_guardianship_and_police() {
    let threat = |extra: &[(&str, Value)]| {
        let mut changes = vec![
            ("/conclusion/risk_level", json!("Угроза жизни")),
            (
                "/conclusion/involved_agencies",
                json!(["guardianship", "juvenile_police"]),
            ),
        ];
        changes.extend(extra.iter().cloned());
        with(high(), &changes)
    };
    silent(&threat(&[]), "R-THREAT");
    fires(
        &threat(&[("/case_opening/curator", Value::Null)]),
        "R-THREAT",
        Severity::Error,
        "/case_opening/curator/name",
    );
    let d = threat(&[("/conclusion/involved_agencies", json!(["guardianship"]))]);
    let m = fires(
        &d,
        "R-THREAT",
        Severity::Warning,
        "/conclusion/involved_agencies",
    );
    assert!(m.contains("МВД"), "{m}");
}

#[test]
fn r_consistent_level_below_the_evidence() {
    silent(&check(high()), "R-CONSISTENT");
    let d = with(
        high(),
        &[("/support_card/domains/2/level", json!("threat_to_life"))],
    );
    fires(
        &d,
        "R-CONSISTENT",
        Severity::Warning,
        "/support_card/domains/2/level",
    );
    let d = with(
        low(),
        &[(
            "/child_assessment/marks/1",
            json!({"criterion": 2, "indicator": 7, "present": "+", "reason": "попытка"}),
        )],
    );
    fires(
        &d,
        "R-CONSISTENT",
        Severity::Warning,
        "/child_assessment/marks/1/present",
    );
}

// ---- Notification ----

#[test]
fn n_required_each_missing_field_at_its_place() {
    silent(&check(high()), "N-REQUIRED");
    let d = with(
        high(),
        &[
            ("/notification/grounds", Value::Null),
            ("/notification/responsible/phone", Value::Null),
            ("/family/address_actual", Value::Null),
        ],
    );
    fires(&d, "N-REQUIRED", Severity::Error, "/notification/grounds");
    fires(
        &d,
        "N-REQUIRED",
        Severity::Error,
        "/notification/responsible/phone",
    );
    fires(&d, "N-REQUIRED", Severity::Error, "/family/address_actual");
    assert_eq!(find(&d, "N-REQUIRED").len(), 3);
}

#[test]
fn n_sex_exactly_one_of_m_and_f() {
    silent(&check(high()), "N-SEX");
    fires(
        &with(high(), &[("/family/children/0/sex", Value::Null)]),
        "N-SEX",
        Severity::Error,
        "/family/children/0/sex",
    );
    let m = fires(
        &with(high(), &[("/family/children/0/sex", json!("МЖ"))]),
        "N-SEX",
        Severity::Error,
        "/family/children/0/sex",
    );
    assert!(m.contains("«М»") && m.contains("«Ж»"), "{m}");
}

#[test]
fn n_signal_one_of_three() {
    silent(&check(high()), "N-SIGNAL");
    fires(
        &with(high(), &[("/notification/signal_check", Value::Null)]),
        "N-SIGNAL",
        Severity::Error,
        "/notification/signal_check",
    );
    fires(
        &with(
            high(),
            &[("/notification/signal_check", json!("проверяется"))],
        ),
        "N-SIGNAL",
        Severity::Error,
        "/notification/signal_check",
    );
}

#[test]
fn n_primary_assessment_and_its_specialist() {
    silent(&check(high()), "N-PRIMARY");
    fires(
        &with(high(), &[("/notification/primary_assessor", Value::Null)]),
        "N-PRIMARY",
        Severity::Error,
        "/notification/primary_assessor/name",
    );
    fires(
        &with(high(), &[("/notification/primary_assessment", Value::Null)]),
        "N-PRIMARY",
        Severity::Error,
        "/notification/primary_assessment",
    );
    silent(
        &with(
            high(),
            &[
                ("/notification/primary_assessment", json!("Не проводилась")),
                ("/notification/primary_assessor", Value::Null),
            ],
        ),
        "N-PRIMARY",
    );
}

#[test]
fn n_housing_act_only_from_social_services_or_guardianship() {
    silent(&check(high()), "N-HOUSING-ACT");
    let act = json!(["housing_inspection", "child_assessment"]);
    fires(
        &with(high(), &[("/notification/attachments", act.clone())]),
        "N-HOUSING-ACT",
        Severity::Warning,
        "/notification/attachments",
    );
    silent(
        &with(
            high(),
            &[
                ("/notification/attachments", act),
                ("/notification/agency_kind", json!("guardianship")),
            ],
        ),
        "N-HOUSING-ACT",
    );
}

#[test]
fn n_minor_under_18_on_the_date_sent() {
    silent(&check(high()), "N-MINOR");
    let d = with(
        high(),
        &[("/family/children/0/birth_date", json!("04.09.2008"))],
    );
    fires(
        &d,
        "N-MINOR",
        Severity::Error,
        "/family/children/0/birth_date",
    );
    silent(
        &with(
            high(),
            &[("/family/children/0/birth_date", json!("05.09.2008"))],
        ),
        "N-MINOR",
    );
}

#[test]
fn n_dates_in_order_and_not_in_the_future() {
    silent(&check(high()), "N-DATES");
    fires(
        &with(
            high(),
            &[("/notification/detection_date", json!("2026-09-05"))],
        ),
        "N-DATES",
        Severity::Error,
        "/notification/date_sent",
    );
    fires(
        &with(
            high(),
            &[("/family/children/0/birth_date", json!("2026-09-02"))],
        ),
        "N-DATES",
        Severity::Error,
        "/notification/detection_date",
    );
    let m = fires(
        &with(
            high(),
            &[("/notification/date_received", json!("2026-12-01"))],
        ),
        "N-DATES",
        Severity::Error,
        "/notification/date_received",
    );
    assert!(m.contains("ещё не наступила"), "{m}");
}

// ---- Child assessment ----

#[test]
fn a_reason_for_every_plus_but_the_norm() {
    silent(&check(high()), "A-REASON");
    let d = with(high(), &[("/child_assessment/marks/1/reason", Value::Null)]);
    let m = fires(
        &d,
        "A-REASON",
        Severity::Error,
        "/child_assessment/marks/1/reason",
    );
    assert!(
        m.contains("2.3") && m.contains("Эмоциональный фон преимущественно снижен"),
        "{m}"
    );
    // Indicator 1 of a criterion needs no reason (the base case has none).
    silent(&check(high()), "A-REASON");
}

#[test]
fn a_medical_criteria_3_to_7_only_medical_workers_may_skip() {
    silent(&check(high()), "A-MEDICAL");
    let only_two = json!([
        {"criterion": 1, "indicator": 1, "present": "+"},
        {"criterion": 2, "indicator": 3, "present": "+", "reason": "плаксив"}
    ]);
    let d = with(high(), &[("/child_assessment/marks", only_two.clone())]);
    assert_eq!(
        find(&d, "A-MEDICAL").len(),
        5,
        "criteria 3–7 missing for a teacher"
    );
    fires(&d, "A-MEDICAL", Severity::Error, "/child_assessment/marks");
    let d = with(
        high(),
        &[
            ("/child_assessment/marks", only_two),
            (
                "/child_assessment/assessor/position",
                json!("участковый педиатр"),
            ),
        ],
    );
    silent(&d, "A-MEDICAL");
}

#[test]
fn a_norm_conflict_norm_with_another_indicator() {
    silent(&check(high()), "A-NORM-CONFLICT");
    let mut v = high();
    v["child_assessment"]["marks"].as_array_mut().unwrap().push(
        json!({"criterion": 1, "indicator": 4, "present": "+", "reason": "бронхиальная астма"}),
    );
    let d = check(v);
    let m = fires(
        &d,
        "A-NORM-CONFLICT",
        Severity::Warning,
        "/child_assessment/marks/0/present",
    );
    assert!(m.contains("1.4"), "{m}");
}

#[test]
fn a_filler_someone_in_regular_contact_with_the_child() {
    silent(&check(high()), "A-FILLER");
    fires(
        &with(
            high(),
            &[("/child_assessment/assessor/position", json!("бухгалтер"))],
        ),
        "A-FILLER",
        Severity::Warning,
        "/child_assessment/assessor/position",
    );
}

// ---- Conclusion ----

#[test]
fn c_level_exactly_one_of_four() {
    silent(&check(high()), "C-LEVEL");
    fires(
        &with(high(), &[("/conclusion/risk_level", Value::Null)]),
        "C-LEVEL",
        Severity::Error,
        "/conclusion/risk_level",
    );
    fires(
        &with(high(), &[("/conclusion/risk_level", json!("none"))]),
        "C-LEVEL",
        Severity::Error,
        "/conclusion/risk_level",
    );
    fires(
        &with(
            high(),
            &[("/conclusion/risk_level", json!("очень высокий"))],
        ),
        "C-LEVEL",
        Severity::Error,
        "/conclusion/risk_level",
    );
}

#[test]
fn c_basis_names_the_marked_indicators() {
    silent(&check(high()), "C-BASIS");
    fires(
        &with(high(), &[("/conclusion/basis_indicators", json!([]))]),
        "C-BASIS",
        Severity::Error,
        "/conclusion/basis_indicators",
    );
    // An indicator named but not marked «+» is a consistency warning.
    fires(
        &with(
            high(),
            &[("/conclusion/basis_indicators", json!(["2.3", "6.5"]))],
        ),
        "C-BASIS",
        Severity::Warning,
        "/conclusion/basis_indicators/1",
    );
}

// ---- Plans and monitoring ----

#[test]
fn p_rows_task_measures_deadline_in_period_responsible() {
    silent(&check(high()), "P-ROWS");
    fires(
        &with(
            high(),
            &[("/support_card/plan/rows/1/responsible", Value::Null)],
        ),
        "P-ROWS",
        Severity::Error,
        "/support_card/plan/rows/1/responsible",
    );
    let m = fires(
        &with(
            high(),
            &[("/support_card/plan/rows/1/deadline", json!("2027-02-01"))],
        ),
        "P-ROWS",
        Severity::Error,
        "/support_card/plan/rows/1/deadline",
    );
    assert!(m.contains("вне периода"), "{m}");
    fires(
        &with(
            low(),
            &[("/departmental_plan/rows/0/measures", Value::Null)],
        ),
        "P-ROWS",
        Severity::Error,
        "/departmental_plan/rows/0/measures",
    );
}

#[test]
fn p_basis_a_task_for_every_troubled_domain() {
    silent(&check(high()), "P-BASIS");
    let d = with(
        high(),
        &[("/support_card/plan/rows/2/domain", json!("safety"))],
    );
    let m = fires(&d, "P-BASIS", Severity::Warning, "/support_card/plan/rows");
    assert!(m.contains("Отношения внутри семьи"), "{m}");
}

#[test]
fn m_kind_interim_or_final_with_a_level() {
    silent(&check(high()), "M-KIND");
    fires(
        &with(high(), &[("/monitoring/0/kind", Value::Null)]),
        "M-KIND",
        Severity::Error,
        "/monitoring/0/kind",
    );
    fires(
        &with(high(), &[("/monitoring/0/risk_level", Value::Null)]),
        "M-KIND",
        Severity::Error,
        "/monitoring/0/risk_level",
    );
    silent(
        &with(high(), &[("/monitoring/0/risk_level", json!("Нет риска"))]),
        "M-KIND",
    );
}

#[test]
fn m_basis_decision_or_assignment() {
    silent(&check(high()), "M-BASIS");
    silent(&check(low()), "M-BASIS");
    fires(
        &with(high(), &[("/monitoring/0/decision_date", Value::Null)]),
        "M-BASIS",
        Severity::Error,
        "/monitoring/0/decision_number",
    );
}

#[test]
fn m_tasks_a_result_for_every_task_due() {
    silent(&check(high()), "M-TASKS");
    fires(
        &with(high(), &[("/monitoring/0/tasks/0/result", Value::Null)]),
        "M-TASKS",
        Severity::Warning,
        "/monitoring/0/tasks/0/result",
    );
    let m = fires(
        &with(high(), &[("/monitoring/0/tasks", json!([]))]),
        "M-TASKS",
        Severity::Warning,
        "/monitoring/0/tasks",
    );
    assert!(m.contains("Обеспечить безопасность ребенка"), "{m}");
}

// ---- Housing act and card ----

#[test]
fn h_income_per_capita_is_income_over_members() {
    silent(&check(high()), "H-INCOME");
    let m = fires(
        &with(
            high(),
            &[("/housing_inspection/per_capita_income", json!("12 000"))],
        ),
        "H-INCOME",
        Severity::Warning,
        "/housing_inspection/per_capita_income",
    );
    assert!(m.contains("15000,00"), "{m}");
}

#[test]
fn k_domains_all_six_levels_and_the_summary_agrees() {
    silent(&check(high()), "K-DOMAINS");
    fires(
        &with(high(), &[("/support_card/domains/3/level", Value::Null)]),
        "K-DOMAINS",
        Severity::Error,
        "/support_card/domains/3/level",
    );
    fires(
        &with(
            high(),
            &[("/support_card/domains/1/summary_level", json!("medium"))],
        ),
        "K-DOMAINS",
        Severity::Error,
        "/support_card/domains/1/summary_level",
    );
    let mut v = high();
    v["support_card"]["domains"].as_array_mut().unwrap().pop();
    fires(
        &check(v),
        "K-DOMAINS",
        Severity::Error,
        "/support_card/domains",
    );
}

#[test]
fn k_dynamics_all_six_domains_compared() {
    let dynamics: Vec<Value> = [
        "housing_income",
        "health",
        "safety",
        "education",
        "family_relations",
        "social_relations",
    ]
    .iter()
    .map(|d| json!({"domain": d, "level_start": "high", "level_end": "medium"}))
    .collect();
    let results = json!({"from": "2026-09-25", "to": "2026-12-25", "dynamics": dynamics});
    silent(&check(high()), "K-DYNAMICS");
    silent(
        &with(high(), &[("/support_card/results", results.clone())]),
        "K-DYNAMICS",
    );
    let mut v = high();
    set(&mut v, "/support_card/results", results);
    set(
        &mut v,
        "/support_card/results/dynamics/4/level_end",
        Value::Null,
    );
    fires(
        &check(v),
        "K-DYNAMICS",
        Severity::Error,
        "/support_card/results/dynamics/4/level_end",
    );
}

// ---- Any input ----

#[test]
fn i_name_surname_and_given_name() {
    silent(&check(high()), "I-NAME");
    fires(
        &with(high(), &[("/family/children/0/name", json!("Зайцев"))]),
        "I-NAME",
        Severity::Error,
        "/family/children/0/name",
    );
    fires(
        &with(
            high(),
            &[("/case_opening/curator/name", json!({"surname": "Рябова"}))],
        ),
        "I-NAME",
        Severity::Error,
        "/case_opening/curator/name",
    );
}

#[test]
fn i_date_real_dates_never_guessed() {
    silent(&check(high()), "I-DATE");
    let m = fires(
        &with(high(), &[("/conclusion/date", json!("31.02.2026"))]),
        "I-DATE",
        Severity::Error,
        "/conclusion/date",
    );
    assert!(m.contains("нет в календаре"), "{m}");
    fires(
        &with(high(), &[("/conclusion/date", json!("07/09/2026"))]),
        "I-DATE",
        Severity::Error,
        "/conclusion/date",
    );
}

#[test]
fn i_phone_russian_numbers() {
    silent(&check(high()), "I-PHONE");
    fires(
        &with(
            high(),
            &[("/family/legal_representatives/0/phone", json!("12-34-56"))],
        ),
        "I-PHONE",
        Severity::Warning,
        "/family/legal_representatives/0/phone",
    );
}

#[test]
fn i_unknown_fields_are_reported() {
    silent(&check(high()), "I-UNKNOWN");
    fires(
        &with(
            high(),
            &[("/notification/favourite_colour", json!("синий"))],
        ),
        "I-UNKNOWN",
        Severity::Warning,
        "/notification/favourite_colour",
    );
}

#[test]
fn i_duplicate_same_child_in_two_notifications() {
    use okno::validate::{CaseKey, duplicates};
    let a = CaseKey::of(&case_from_value(high(), true).0.unwrap());
    let mut other = high();
    set(&mut other, "/case_id", json!("T-2026-0002"));
    set(
        &mut other,
        "/family/children/0/name",
        json!("  зайцев  матвей ильич"),
    );
    let b = CaseKey::of(&case_from_value(other, true).0.unwrap());
    let found = duplicates(&[(&a, "a.json"), (&b, "b.xlsx")]);
    assert_eq!(found.len(), 2, "each is told about the other");
    assert!(
        found
            .iter()
            .all(|(_, d)| d.rule == "I-DUPLICATE" && d.severity == Severity::Warning)
    );
    assert!(found[0].1.message.contains("b.xlsx") || found[1].1.message.contains("b.xlsx"));
    assert!(
        found
            .iter()
            .all(|(_, d)| d.message.contains("одним случаем"))
    );
    // The same case ID in both is I-SAME-ID's error, not linked again as a duplicate.
    assert!(duplicates(&[(&a, "a.json"), (&a, "a-copy.json")]).is_empty());
    let mut third = high();
    set(
        &mut third,
        "/family/children/0/birth_date",
        json!("2014-03-16"),
    );
    let c = CaseKey::of(&case_from_value(third, true).0.unwrap());
    assert!(duplicates(&[(&a, "a.json"), (&c, "c.json")]).is_empty());
}

#[test]
fn i_same_id_one_case_id_from_two_inputs_is_an_error_for_both() {
    use okno::validate::{CaseKey, same_id};
    let a = CaseKey::of(&case_from_value(high(), true).0.unwrap());
    let found = same_id(&[(&a, "a.json"), (&a, "b.xlsx")]);
    assert_eq!(found.len(), 2, "both inputs are told");
    for (_, d) in &found {
        assert_eq!(
            (d.rule, d.severity, d.pointer.as_str()),
            ("I-SAME-ID", Severity::Error, "/case_id")
        );
        assert_eq!(
            d.message,
            "номер случая T-2026-0001 встречается в двух файлах: a.json и b.xlsx — выберите один"
        );
    }
    // Twice in one input (two register rows), and three inputs.
    let twice = same_id(&[(&a, "r.xlsx"), (&a, "r.xlsx")]);
    assert!(
        twice[0].1.message.contains("в файле r.xlsx 2 раза"),
        "{}",
        twice[0].1.message
    );
    let three = same_id(&[(&a, "a"), (&a, "b"), (&a, "c")]);
    assert!(
        three[0].1.message.contains("в трех файлах: a, b и c"),
        "{}",
        three[0].1.message
    );
    let mut other = high();
    set(&mut other, "/case_id", json!("T-2026-0002"));
    let b = CaseKey::of(&case_from_value(other, true).0.unwrap());
    assert!(same_id(&[(&a, "a.json"), (&b, "b.json")]).is_empty());
}

#[test]
fn i_format_and_i_option_input_checks() {
    silent(&check(high()), "I-FORMAT");
    fires(
        &with(high(), &[("/case_id", json!("../NSK"))]),
        "I-FORMAT",
        Severity::Error,
        "/case_id",
    );
    fires(
        &with(
            high(),
            &[("/housing_inspection/household_members", json!("три"))],
        ),
        "I-FORMAT",
        Severity::Error,
        "/housing_inspection/household_members",
    );
    silent(&check(high()), "I-OPTION");
    fires(
        &with(
            high(),
            &[("/family_assessment/marks/0/factor", json!("IX.9"))],
        ),
        "I-OPTION",
        Severity::Error,
        "/family_assessment/marks/0/factor",
    );
    fires(
        &with(
            high(),
            &[("/housing_inspection/ownership", json!("дворец"))],
        ),
        "I-OPTION",
        Severity::Error,
        "/housing_inspection/ownership",
    );
}

#[test]
fn i_twice_refuses_a_second_mark_of_one_indicator_factor_or_question() {
    // Each form has one row per indicator, factor and question: a second mark would be
    // printed nowhere, so validate refuses it at the second, naming the first.
    let base = high();
    silent(&check(base.clone()), "I-TWICE");
    let mut v = base.clone();
    let first = v.pointer("/child_assessment/marks/0").unwrap().clone();
    let mut again = first.clone();
    again["reason"] = json!("другая причина");
    v.pointer_mut("/child_assessment/marks")
        .and_then(Value::as_array_mut)
        .unwrap()
        .push(again);
    let n = v["child_assessment"]["marks"].as_array().unwrap().len() - 1;
    let msg = fires(
        &check(v),
        "I-TWICE",
        Severity::Error,
        &format!("/child_assessment/marks/{n}"),
    );
    assert!(msg.contains("№ 1"), "{msg}");
    for (list, pointer) in [
        ("/family_assessment/marks", "factor"),
        ("/housing_inspection/answers", "question"),
        ("/support_card/answers", ""),
    ] {
        let mut v = base.clone();
        if list == "/housing_inspection/answers" {
            set(
                &mut v,
                list,
                json!([{"question": "2", "answer": "Да"}, {"question": "5", "answer": "Нет"}]),
            );
        }
        if list == "/support_card/answers" {
            set(
                &mut v,
                list,
                json!([{"domain": "health", "question": 1, "answer": "Да"}]),
            );
        }
        let Some(items) = v.pointer_mut(list).and_then(Value::as_array_mut) else {
            panic!("{list}: the base case has none");
        };
        let copy = items[0].clone();
        items.push(copy);
        let n = items.len() - 1;
        let at = if pointer.is_empty() {
            format!("{list}/{n}")
        } else {
            format!("{list}/{n}/{pointer}")
        };
        fires(&check(v), "I-TWICE", Severity::Error, &at);
    }
}

/// The quarter's fold asks for the deadline rules alone (`deadline_diagnostics`): on every day
/// it must give exactly the D- diagnostics of the whole validation, in its order, with the same
/// messages and pointers, or the summary would count other missed deadlines than `validate`.
#[test]
fn the_deadline_rules_alone_give_validates_d_diagnostics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let templates = okno::synth::fixture_templates(&dir);
    let mut cases = okno::synth::cases(&templates, 400, 7);
    cases.extend(templates);
    cases.extend([high(), low()].map(|v| case_from_value(v, true).0.expect("case reads")));
    let mut days: Vec<chrono::NaiveDate> = (0..30)
        .map(|m| chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap() + chrono::Months::new(m))
        .collect();
    // The days steps fall due and the day after, where a deadline turns missed.
    for case in &cases {
        for due in okno::validate::dues(case) {
            days.extend([due.due.0, due.due.0 + chrono::Days::new(1)]);
        }
    }
    days.sort();
    days.dedup();
    let mut seen = 0;
    for case in &cases {
        for &today in days.iter().step_by(7) {
            let s = Settings { today };
            let whole: Vec<Diagnostic> = validate(case, &s)
                .into_iter()
                .filter(|d| d.rule.starts_with("D-"))
                .collect();
            let alone = okno::validate::deadline_diagnostics(case, &s);
            assert_eq!(alone, whole, "{} on {today}", case.case_id);
            seen += whole.len();
        }
    }
    assert!(seen > 1000, "only {seen} deadline diagnostics compared");
}
