//! The `okno` command line: a thin layer over the library. Messages for users are in Russian.

use clap::{Parser, Subcommand, ValueEnum};
use okno::diagnostic::{Diagnostic, Severity};
use okno::model::{Date, values::parse_date};
use okno::pipeline::{self, FileReport};
use okno::validate::Settings;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Typst allocates and frees a lot per document; mimalloc hands memory back more readily
// than the system allocator, which keeps long batches small.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "okno",
    version,
    about = "okno — документы порядка межведомственного взаимодействия: проверка таблиц, формы, архив",
    long_about = "okno читает заполненные таблицы (xlsx, ods, xls) и файлы случаев (JSON, TOML), \
проверяет их по правилам порядка и указывает ошибки с листом и ячейкой.\n\n\
Коды выхода: 0 — ошибок нет (предупреждения допустимы), 1 — найдены ошибки, \
2 — неверный вызов или файл не читается."
)]
struct Cli {
    /// Дата, на которую считаются сроки (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД); по умолчанию — сегодня
    #[arg(long, global = true, value_name = "ДАТА", value_parser = parse_today)]
    today: Option<Date>,
    #[command(subcommand)]
    command: Command,
}

fn parse_today(s: &str) -> Result<Date, String> {
    parse_date(s)
}

#[derive(Subcommand)]
enum Command {
    /// Проверить файлы (или папки с файлами) и показать ошибки по местам
    Validate {
        /// Файлы .xlsx/.ods/.xls/.json/.toml или папки с ними
        #[arg(required = true, value_name = "ФАЙЛ")]
        inputs: Vec<PathBuf>,
        /// Вид вывода: text — для человека, json — по объекту JSON на строку
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Оформить документы: PDF (PDF/A-2b) и DOCX в ПАПКА/<номер случая>/<форма>
    Render {
        /// Файлы или папки с файлами
        #[arg(required = true, value_name = "ФАЙЛ")]
        inputs: Vec<PathBuf>,
        /// Папка для документов
        #[arg(short, long, value_name = "ПАПКА")]
        output: PathBuf,
        /// Форматы через запятую: pdf,docx
        #[arg(long, default_value = "pdf,docx", value_name = "СПИСОК", value_parser = okno::render::parse_formats)]
        format: std::vec::Vec<okno::render::Format>,
        /// Только эти формы, через запятую (notification, child_assessment, conclusion, …)
        #[arg(long, value_name = "СПИСОК", value_delimiter = ',')]
        forms: Option<Vec<String>>,
        /// Оформить и при ошибках — с отметкой «ЧЕРНОВИК» на каждой странице
        #[arg(long)]
        draft: bool,
    },
    /// Проверить, оформить и сохранить случаи в архив: пакет BagIt на каждую версию случая
    Archive {
        /// Файлы или папки с файлами
        #[arg(required = true, value_name = "ФАЙЛ")]
        inputs: Vec<PathBuf>,
        /// Папка архива
        #[arg(long, value_name = "ПАПКА")]
        archive: PathBuf,
    },
    /// Проверить целостность пакетов BagIt (любых, не только okno)
    Verify {
        /// Папки пакетов
        #[arg(value_name = "ПАКЕТ", required_unless_present = "archive")]
        bags: Vec<PathBuf>,
        /// Проверить все пакеты архива
        #[arg(long, value_name = "ПАПКА")]
        archive: Option<PathBuf>,
    },
    /// Выгрузить пакеты архива за период в один пакет (tar) для передачи в архив
    Export {
        /// Папка архива
        #[arg(long, value_name = "ПАПКА")]
        archive: PathBuf,
        /// С даты упаковки (ДД.ММ.ГГГГ)
        #[arg(long, value_name = "ДАТА", value_parser = parse_today)]
        from: Option<Date>,
        /// По дату упаковки (ДД.ММ.ГГГГ)
        #[arg(long, value_name = "ДАТА", value_parser = parse_today)]
        to: Option<Date>,
        /// Файл .tar
        #[arg(short, long, value_name = "ФАЙЛ")]
        output: PathBuf,
    },
    /// Обработать папку: проверить, оформить (и сохранить в архив) все файлы на всех ядрах
    Batch {
        /// Папка с таблицами и файлами случаев
        #[arg(value_name = "ПАПКА")]
        dir: PathBuf,
        /// Папка результатов (формы и отчет.xlsx)
        #[arg(short, long, value_name = "ПАПКА")]
        output: PathBuf,
        /// Сохранить оформленные случаи в архив
        #[arg(long, value_name = "ПАПКА")]
        archive: Option<PathBuf>,
        /// Число потоков (по умолчанию — все ядра)
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Оформлять и случаи с ошибками — как черновики (в архив не попадают)
        #[arg(long)]
        draft: bool,
        /// Вывод для программ: объект JSON на строку для каждого файла
        #[arg(long)]
        json: bool,
    },
    /// Квартальный мониторинг: формы мониторинга, списки просроченного и сводка для КДНиЗП
    Quarter {
        /// Квартал: ГГГГ-QN, например 2026-Q4
        #[arg(value_name = "КВАРТАЛ")]
        quarter: String,
        /// Папка архива
        #[arg(long, value_name = "ПАПКА")]
        archive: PathBuf,
        /// Папка результатов
        #[arg(short, long, value_name = "ПАПКА")]
        output: PathBuf,
    },
    /// Журнал учета (detection — Прил. 1, intake — журнал «Единого окна») по архиву
    Log {
        /// detection или intake
        #[arg(value_enum)]
        kind: LogKind,
        /// Папка архива
        #[arg(long, value_name = "ПАПКА")]
        archive: PathBuf,
        /// С даты (поступления сведений)
        #[arg(long, value_name = "ДАТА", value_parser = parse_today)]
        from: Option<Date>,
        /// По дату
        #[arg(long, value_name = "ДАТА", value_parser = parse_today)]
        to: Option<Date>,
        /// Файл .pdf, .docx или .xlsx; без расширения — все три
        #[arg(short, long, value_name = "ФАЙЛ")]
        output: PathBuf,
    },
    /// Напечатать JSON Schema файла случая
    Schema,
    /// Напечатать раскладку книги случая и реестра (Markdown)
    Layout,
    /// Записать пустую книгу для заполнения
    Template {
        /// case — книга случая, register — реестр извещений
        #[arg(value_enum)]
        kind: TemplateKind,
        /// Куда записать (.xlsx)
        #[arg(short, long, value_name = "ФАЙЛ")]
        output: PathBuf,
        /// Заполнить книгу случая данными из файла случая (JSON, TOML или книги)
        #[arg(long, value_name = "ФАЙЛ")]
        from: Option<PathBuf>,
    },
    /// Проверить примеры из fixtures/ и записать результаты в output/
    Demo {
        /// Папка с примерами
        #[arg(long, default_value = "fixtures", value_name = "ПАПКА")]
        fixtures: PathBuf,
        /// Папка результатов
        #[arg(short, long, default_value = "output", value_name = "ПАПКА")]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogKind {
    Detection,
    Intake,
}

#[derive(Clone, Copy, ValueEnum)]
enum TemplateKind {
    Case,
    Register,
}

fn main() -> ExitCode {
    // No transparent huge pages: the allocator asks for them, and every fresh 2 MiB page is
    // zeroed whole and kept resident, which in a long batch costs both time and memory.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    let today = cli
        .today
        .unwrap_or_else(|| Date(chrono::Local::now().date_naive()));
    let settings = Settings { today: today.0 };
    let code = match cli.command {
        Command::Validate { inputs, format } => validate(&inputs, format, &settings),
        Command::Render {
            inputs,
            output,
            format,
            forms,
            draft,
        } => render(&inputs, &output, format, forms, draft, &settings),
        Command::Archive { inputs, archive } => archive_cmd(&inputs, &archive, &settings),
        Command::Verify { bags, archive } => verify_cmd(&bags, archive.as_deref()),
        Command::Export {
            archive,
            from,
            to,
            output,
        } => {
            match okno::archive::export(
                &archive,
                from.map(|d| d.0),
                to.map(|d| d.0),
                &output,
                settings.today,
            ) {
                Ok(e) => {
                    println!(
                        "выгружено пакетов: {} ({:.1} МБ) в {}",
                        e.bags.len(),
                        e.bytes as f64 / 1e6,
                        output.display()
                    );
                    0
                }
                Err(e) => {
                    eprintln!("okno: {e}");
                    2
                }
            }
        }
        Command::Batch {
            dir,
            output,
            archive,
            jobs,
            draft,
            json,
        } => batch_cmd(
            &dir,
            okno::batch::Options {
                out: output,
                archive,
                jobs,
                draft,
            },
            json,
            &settings,
        ),
        Command::Quarter {
            quarter,
            archive,
            output,
        } => quarter_cmd(&quarter, &archive, &output, &settings),
        Command::Log {
            kind,
            archive,
            from,
            to,
            output,
        } => log_cmd(kind, &archive, from, to, &output),
        Command::Schema => {
            let schema = schemars::schema_for!(okno::Case);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            0
        }
        Command::Layout => {
            print!("{}", okno::layout::markdown());
            0
        }
        Command::Template { kind, output, from } => template(kind, &output, from.as_deref()),
        Command::Demo { fixtures, output } => demo(&fixtures, &output, &settings),
    };
    ExitCode::from(code as u8)
}

fn validate(inputs: &[PathBuf], format: Format, settings: &Settings) -> i32 {
    let paths = pipeline::expand_inputs(inputs);
    if paths.is_empty() {
        eprintln!("okno: в указанных папках нет файлов .xlsx, .xls, .ods, .json или .toml");
        return 2;
    }
    let reports = pipeline::check_all(&paths, settings);
    match format {
        Format::Json => {
            for r in &reports {
                for d in pipeline::unreadable_diagnostic(r)
                    .iter()
                    .chain(r.all_diagnostics())
                {
                    println!("{}", d.to_json_line());
                }
            }
        }
        Format::Text => print!("{}", text_report(&reports)),
    }
    pipeline::exit_status(&reports)
}

fn count(diags: &[&Diagnostic]) -> (usize, usize) {
    let e = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (e, diags.len() - e)
}

fn text_report(reports: &[FileReport]) -> String {
    let mut out = String::new();
    let (mut cases, mut errors, mut warnings) = (0, 0, 0);
    for r in reports {
        if let Some(m) = &r.unreadable {
            out.push_str(&format!("{}: не удалось прочитать — {m}\n", r.file));
            continue;
        }
        let all: Vec<&Diagnostic> = r.all_diagnostics().collect();
        let (e, w) = count(&all);
        cases += r.cases.len();
        errors += e;
        warnings += w;
        out.push_str(&format!(
            "{}: случаев {}, ошибок {e}, предупреждений {w}\n",
            r.file,
            r.cases.len()
        ));
        let write = |out: &mut String, list: &[&Diagnostic], indent: &str| {
            let mut list = list.to_vec();
            list.sort_by_key(|d| std::cmp::Reverse(d.severity));
            for d in list {
                out.push_str(&format!(
                    "{indent}{}[{}]: {}\n",
                    d.severity.ru(),
                    d.rule,
                    d.message
                ));
                let place = d.place();
                if !place.is_empty() {
                    out.push_str(&format!("{indent}  --> {place}\n"));
                }
            }
        };
        write(&mut out, &r.diagnostics.iter().collect::<Vec<_>>(), "  ");
        for c in &r.cases {
            if c.diagnostics.is_empty() {
                continue;
            }
            let id = &c.ingested.case.case_id;
            out.push_str(&format!(
                "  случай {}:\n",
                if id.is_empty() {
                    "(без номера)"
                } else {
                    id
                }
            ));
            write(&mut out, &c.diagnostics.iter().collect::<Vec<_>>(), "    ");
        }
    }
    out.push_str(&format!(
        "Итого: файлов {}, случаев {cases}, ошибок {errors}, предупреждений {warnings}\n",
        reports.len()
    ));
    out
}

fn render(
    inputs: &[PathBuf],
    output: &Path,
    formats: Vec<okno::render::Format>,
    forms: Option<Vec<String>>,
    draft: bool,
    settings: &Settings,
) -> i32 {
    if let Some(list) = &forms {
        let known = okno::render::form_codes();
        if let Some(bad) = list.iter().find(|f| !known.contains(&f.as_str())) {
            eprintln!(
                "okno: неизвестная форма «{bad}»; формы: {}",
                known.join(", ")
            );
            return 2;
        }
    }
    let paths = pipeline::expand_inputs(inputs);
    if paths.is_empty() {
        eprintln!("okno: в указанных папках нет файлов .xlsx, .xls, .ods, .json или .toml");
        return 2;
    }
    let reports = pipeline::check_all(&paths, settings);
    let options = okno::render::Options {
        formats,
        forms,
        draft,
        jobs: None,
    };
    let summary = okno::render::render_reports(&reports, output, &options);
    print!("{}", render_report(&reports, &summary, output));
    let status = pipeline::exit_status(&reports);
    if !summary.failures.is_empty() {
        2
    } else if status == 0 && !summary.refused.is_empty() {
        1
    } else {
        status
    }
}

/// What `render` and `demo` say: the problems of each input as `validate` prints them,
/// then what was written.
fn render_report(reports: &[FileReport], summary: &okno::render::Summary, output: &Path) -> String {
    let mut out = text_report(reports);
    for (file, id, why) in &summary.refused {
        out.push_str(&format!("не оформлен: {file}, случай {id}: {why}\n"));
    }
    for f in &summary.failures {
        out.push_str(&format!("ошибка записи: {f}\n"));
    }
    out.push_str(&format!(
        "Оформлено случаев: {}, файлов: {} (в {})\n",
        summary.rendered_cases,
        summary.files.len(),
        output.display()
    ));
    out
}

/// `okno archive`: valid cases become bags; unchanged ones are left as they are.
fn archive_cmd(inputs: &[PathBuf], root: &Path, settings: &Settings) -> i32 {
    use okno::archive::{Archive, Source, Stored};
    let paths = pipeline::expand_inputs(inputs);
    if paths.is_empty() {
        eprintln!("okno: в указанных папках нет файлов .xlsx, .xls, .ods, .json или .toml");
        return 2;
    }
    let reports = pipeline::check_all(&paths, settings);
    print!("{}", text_report(&reports));
    let archive = match Archive::open(root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("okno: архив {}: {e}", root.display());
            return 2;
        }
    };
    let mut todo = Vec::new();
    let mut refused = 0;
    for r in &reports {
        let bytes = std::fs::read(&r.file).unwrap_or_default();
        for c in &r.cases {
            if c.has_errors() {
                println!(
                    "не сохранен: {}, случай {}: есть ошибки",
                    r.file, c.ingested.case.case_id
                );
                refused += 1;
                continue;
            }
            todo.push((
                &c.ingested.case,
                Source::of(&c.ingested, Path::new(&r.file), &bytes),
            ));
        }
    }
    let results = okno::render::parallel_map(&todo, None, |(case, source)| {
        (
            case.case_id.clone(),
            archive.store(case, source, settings.today),
        )
    });
    let mut failed = 0;
    let (mut created, mut unchanged) = (0, 0);
    for (id, r) in results {
        match r {
            Ok(Stored::Created { version, .. }) => {
                created += 1;
                println!("{id}: записана версия v{version}");
            }
            Ok(Stored::Unchanged { version }) => {
                unchanged += 1;
                println!("{id}: без изменений (v{version})");
            }
            Err(e) => {
                failed += 1;
                println!("{id}: ошибка записи — {e}");
            }
        }
    }
    println!(
        "Архив {}: новых версий {created}, без изменений {unchanged}, не сохранено {}",
        root.display(),
        refused + failed
    );
    if failed > 0 || pipeline::exit_status(&reports) == 2 {
        2
    } else if refused > 0 {
        1
    } else {
        0
    }
}

/// `okno batch`: a progress bar on a terminal, plain lines otherwise, JSON lines with --json.
fn batch_cmd(dir: &Path, opts: okno::batch::Options, json: bool, settings: &Settings) -> i32 {
    use std::io::IsTerminal;
    if !dir.is_dir() {
        eprintln!("okno: {} — не папка", dir.display());
        return 2;
    }
    let total = pipeline::expand_inputs(&[dir.to_path_buf()]).len();
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} файлов  {elapsed} (осталось ~{eta})  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let on_row = |r: &okno::batch::Row, n: usize, total: usize| {
        if json {
            println!("{}", serde_json::to_string(r).unwrap_or_default());
        } else if let Some(b) = &bar {
            b.set_position(n as u64);
            if r.status != okno::batch::RENDERED {
                b.println(format!("{} {}: {}", r.file, r.case_id, r.status));
            }
        } else {
            println!(
                "[{n}/{total}] {} {}: {} (ошибок {}, предупреждений {}, форм {})",
                r.file, r.case_id, r.status, r.errors, r.warnings, r.forms
            );
        }
    };
    let outcome = match okno::batch::run(dir, &opts, settings, &on_row) {
        Ok(o) => o,
        Err(e) => {
            if let Some(b) = &bar {
                b.abandon();
            }
            eprintln!("okno: {e}");
            return 2;
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let count = |s: &str| outcome.rows.iter().filter(|r| r.status == s).count();
    let forms: usize = outcome.rows.iter().map(|r| r.forms).sum();
    if !json {
        println!(
            "Итого за {:.1} с: случаев оформлено {}, с ошибками {}, черновиков {}, файлов не читается {}, сбоев записи {}; форм {}. Отчет: {}",
            outcome.seconds,
            count(okno::batch::RENDERED),
            count(okno::batch::ERRORS),
            count(okno::batch::DRAFT),
            count(okno::batch::UNREADABLE),
            count(okno::batch::FAILED),
            forms,
            outcome.report.display()
        );
    }
    outcome.exit_code()
}

fn write_or_report(path: &Path, bytes: Result<Vec<u8>, String>) -> bool {
    match bytes.and_then(|b| okno::output::write_atomic(path, &b).map_err(|e| e.to_string())) {
        Ok(()) => {
            println!("записан {}", path.display());
            true
        }
        Err(e) => {
            eprintln!("okno: {}: {e}", path.display());
            false
        }
    }
}

/// `okno quarter`: monitoring forms of the quarter, overdue lists, the summary (PDF, XLSX).
fn quarter_cmd(quarter: &str, archive: &Path, out: &Path, settings: &Settings) -> i32 {
    use okno::render::Format;
    use okno::report::{MonitoringState, Quarter};
    let q = match Quarter::parse(quarter) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("okno: {e}");
            return 2;
        }
    };
    let cases = match okno::report::newest_cases(archive) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("okno: {e}");
            return 2;
        }
    };
    let report = okno::report::quarter(cases, q, settings.today);
    let mut ok = true;
    // Monitoring forms of reports dated in the quarter.
    let mut forms = 0;
    for c in &report.active {
        let docs = okno::forms::case_documents(c, Some(&["monitoring".to_string()]));
        for (d, m) in docs.iter().zip(&c.monitoring) {
            if m.date.is_some_and(|x| q.contains(x)) {
                match okno::render::write_documents(
                    std::slice::from_ref(d),
                    &[Format::Pdf, Format::Docx],
                    &out.join(&c.case_id),
                ) {
                    Ok(f) => forms += f.len(),
                    Err(e) => {
                        eprintln!("okno: {e}");
                        ok = false;
                    }
                }
            }
        }
    }
    let summary = okno::report::summary_document(&report, settings.today);
    ok &= write_or_report(
        &out.join(format!("{}.pdf", summary.form)),
        Format::Pdf.write(&summary),
    );
    ok &= write_or_report(
        &out.join(format!("{}.docx", summary.form)),
        Format::Docx.write(&summary),
    );
    ok &= write_or_report(
        &out.join(format!("{}.xlsx", summary.form)),
        okno::report::summary_xlsx(&report).map_err(|e| e.to_string()),
    );
    let overdue = report
        .monitoring
        .iter()
        .filter(|(_, s)| matches!(s, MonitoringState::Overdue { .. }))
        .count();
    let due = report
        .monitoring
        .iter()
        .filter(|(_, s)| matches!(s, MonitoringState::Due { .. }))
        .count();
    println!(
        "{}: случаев в работе {}, файлов мониторинга {forms}; мониторинг просрочен: {overdue}, срок в квартале: {due}; других нарушенных сроков: {}",
        q.label(),
        report.active.len(),
        report.missed.len()
    );
    if ok { 0 } else { 2 }
}

/// `okno log`: a log of the procedure over the archive's newest versions.
fn log_cmd(kind: LogKind, archive: &Path, from: Option<Date>, to: Option<Date>, out: &Path) -> i32 {
    use okno::render::Format;
    let cases = match okno::report::newest_cases(archive) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("okno: {e}");
            return 2;
        }
    };
    let date_of = |c: &okno::Case| {
        c.notification.as_ref().and_then(|n| match kind {
            LogKind::Detection => n.detection_date.or(n.date_sent),
            LogKind::Intake => n.date_received.or(n.date_sent),
        })
    };
    let chosen: Vec<&okno::Case> = cases
        .iter()
        .filter(|c| {
            date_of(c).is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
        })
        .collect();
    let doc = match kind {
        LogKind::Detection => okno::forms::detection_log(&chosen, None),
        LogKind::Intake => okno::forms::intake_log(&chosen, None),
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let targets: Vec<(PathBuf, &str)> = match ext.as_deref() {
        Some(e @ ("pdf" | "docx" | "xlsx")) => vec![(
            out.to_path_buf(),
            if e == "pdf" {
                "pdf"
            } else if e == "docx" {
                "docx"
            } else {
                "xlsx"
            },
        )],
        None => ["pdf", "docx", "xlsx"]
            .iter()
            .map(|e| (out.with_extension(e), *e))
            .collect(),
        Some(other) => {
            eprintln!("okno: расширение «.{other}»: журнал пишется в .pdf, .docx или .xlsx");
            return 2;
        }
    };
    let mut ok = true;
    for (path, e) in targets {
        let bytes = match e {
            "pdf" => Format::Pdf.write(&doc),
            "docx" => Format::Docx.write(&doc),
            _ => okno::report::table_xlsx(&doc).map_err(|e| e.to_string()),
        };
        ok &= write_or_report(&path, bytes);
    }
    println!("в журнале записей: {}", chosen.len());
    if ok { 0 } else { 2 }
}

/// `okno verify`: a full fixity check of each bag; 0 when every bag is valid.
fn verify_cmd(bags: &[PathBuf], archive: Option<&Path>) -> i32 {
    let mut list: Vec<PathBuf> = bags.to_vec();
    if let Some(root) = archive {
        let cases = okno::archive::list_cases(root);
        if cases.is_empty() && bags.is_empty() {
            eprintln!("okno: в {} нет пакетов", root.display());
            return 2;
        }
        for (id, versions) in cases {
            list.extend(
                versions
                    .iter()
                    .map(|v| root.join(&id).join(format!("v{v}"))),
            );
        }
    }
    let mut invalid = 0;
    for bag in &list {
        let report = okno::bagit::verify_bag(bag);
        for w in &report.warnings {
            eprintln!("{}: предупреждение: {w}", bag.display());
        }
        if report.is_valid() {
            println!("{}: пакет цел", bag.display());
        } else {
            invalid += 1;
            println!("{}: пакет НЕ цел", bag.display());
            for e in &report.errors {
                println!("  {e}");
            }
        }
    }
    println!(
        "Проверено пакетов: {}, с нарушениями: {invalid}",
        list.len()
    );
    if invalid > 0 { 1 } else { 0 }
}

fn template(kind: TemplateKind, output: &Path, from: Option<&Path>) -> i32 {
    let bytes = match (kind, from) {
        (TemplateKind::Case, None) => okno::template::case_workbook(),
        (TemplateKind::Case, Some(src)) => match okno::ingest::read_path(src) {
            Err(e) => {
                eprintln!("okno: {e}");
                return 2;
            }
            Ok(ing) => match ing.cases.first() {
                Some(c) => okno::template::case_workbook_filled(&c.case),
                None => {
                    eprintln!("okno: в файле {} нет случая", src.display());
                    return 2;
                }
            },
        },
        (TemplateKind::Register, None) => okno::template::register_workbook(),
        (TemplateKind::Register, Some(_)) => {
            eprintln!("okno: --from заполняет только книгу случая (template case)");
            return 2;
        }
    };
    match bytes
        .map_err(|e| e.to_string())
        .and_then(|b| okno::output::write_atomic(output, &b).map_err(|e| e.to_string()))
    {
        Ok(()) => {
            println!("записан шаблон: {}", output.display());
            0
        }
        Err(e) => {
            eprintln!("okno: не удалось записать {}: {e}", output.display());
            2
        }
    }
}

/// The main job on the bundled fixtures: check every case and register, render the forms of
/// each valid case as PDF and DOCX into the output folder, with the logs and blank templates.
fn demo(fixtures: &Path, output: &Path, settings: &Settings) -> i32 {
    let inputs: Vec<PathBuf> = ["cases", "register"]
        .iter()
        .map(|d| fixtures.join(d))
        .filter(|p| p.exists())
        .collect();
    if inputs.is_empty() {
        eprintln!("okno: нет папки с примерами {}", fixtures.display());
        return 2;
    }
    let paths = pipeline::expand_inputs(&inputs);
    let reports = pipeline::check_all(&paths, settings);
    let options = okno::render::Options {
        formats: vec![okno::render::Format::Pdf, okno::render::Format::Docx],
        forms: None,
        draft: false,
        jobs: None,
    };
    let started = std::time::Instant::now();
    let summary = okno::render::render_reports(&reports, output, &options);
    print!("{}", render_report(&reports, &summary, output));
    for (name, bytes) in [
        ("шаблон-случая.xlsx", okno::template::case_workbook()),
        ("шаблон-реестра.xlsx", okno::template::register_workbook()),
    ] {
        let path = output.join(name);
        if let Err(e) = bytes
            .map_err(|e| e.to_string())
            .and_then(|b| okno::output::write_atomic(&path, &b).map_err(|e| e.to_string()))
        {
            eprintln!("okno: не удалось записать {}: {e}", path.display());
            return 2;
        }
    }
    println!(
        "Документы оформлены за {:.1} с; шаблоны книги случая и реестра — в {}",
        started.elapsed().as_secs_f64(),
        output.display()
    );
    if !summary.failures.is_empty() {
        2
    } else {
        pipeline::exit_status(&reports)
    }
}
