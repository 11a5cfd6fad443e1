//! The command line as clap sees it: a struct per subcommand, the options several share
//! (inputs, archive, jobs, draft, forms and formats) as structs flattened into them. Help
//! texts are for users, in Russian.

use clap::{Args, Parser, Subcommand, ValueEnum};
use okno::model::{Date, values::parse_date};
use okno::render::Format;
use std::path::PathBuf;

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
pub struct Cli {
    /// Дата, на которую считаются сроки (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД); по умолчанию — сегодня
    #[arg(long, global = true, value_name = "ДАТА", value_parser = parse_date)]
    pub today: Option<Date>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Проверить файлы (или папки с файлами) и показать ошибки по местам
    Validate(ValidateArgs),
    /// Оформить документы: PDF (PDF/A-2b) и DOCX в ПАПКА/<номер случая>/<форма>
    Render(RenderArgs),
    /// Проверить, оформить и сохранить случаи в архив: пакет BagIt на каждую версию случая
    Archive(ArchiveArgs),
    /// Проверить целостность пакетов BagIt (любых, не только okno)
    Verify(VerifyArgs),
    /// Пересоздать указатель архива (поиск, списки, сроки) по пакетам
    ///
    /// Указатель — файл .okno-index.sqlite в папке архива; он выводится из пакетов и
    /// пересоздается из них в любой момент. Обычно он обновляется сам; эта команда нужна,
    /// если файл удален или испорчен.
    Index(IndexArgs),
    /// Выгрузить пакеты архива за период в один пакет (tar) для передачи в архив
    ///
    /// Период (--from, --to) — по дате упаковки пакета.
    Export(ExportArgs),
    /// Обработать папку: проверить, оформить (и сохранить в архив) все файлы на всех ядрах
    Batch(BatchArgs),
    /// Квартальный мониторинг: формы мониторинга, списки просроченного и сводка для КДНиЗП
    Quarter(QuarterArgs),
    /// Журнал учета (detection — Прил. 1, intake — журнал «Единого окна») по архиву
    ///
    /// Период (--from, --to) — по дате поступления сведений (detection) или поступления в
    /// «Единое окно» (intake); без нее — по дате передачи информации.
    Log(LogArgs),
    /// Напечатать JSON Schema файла случая
    Schema,
    /// Напечатать раскладку книги случая и реестра (Markdown)
    Layout,
    /// Записать пустую книгу для заполнения
    Template(TemplateArgs),
    /// Проверить примеры из fixtures/ и записать результаты в output/
    Demo(DemoArgs),
    /// Открыть страницу okno в браузере: проверка, формы, архив, квартал, журналы, бланки
    ///
    /// По умолчанию страница доступна только с этого компьютера (127.0.0.1:8080); другой
    /// адрес — только когда добавлены пользователи (okno user add).
    Serve(ServeArgs),
    /// Пользователи страницы okno
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Папка архива (по умолчанию — «okno-архив» в папке «Документы»)
    #[arg(long, value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
    /// Адрес и порт страницы
    #[arg(long, default_value = okno::serve::DEFAULT_LISTEN, value_name = "АДРЕС:ПОРТ")]
    pub listen: std::net::SocketAddr,
    /// Ещё одно имя компьютера, по которому открывают страницу (можно несколько раз);
    /// запросы с другим именем в адресе отклоняются
    #[arg(long = "host", value_name = "ИМЯ")]
    pub hosts: Vec<String>,
    /// Не открывать браузер
    #[arg(long)]
    pub no_browser: bool,
    /// Наибольший объём загрузки за раз, МБ
    #[arg(long, default_value_t = okno::serve::DEFAULT_MAX_UPLOAD_MB, value_name = "МБ")]
    pub max_upload_mb: u64,
    /// Наибольший объём распакованного архива zip, МБ
    #[arg(long, default_value_t = okno::serve::DEFAULT_MAX_UNZIPPED_MB, value_name = "МБ")]
    pub max_unzipped_mb: u64,
    /// Наибольшее число соединений сразу (остальные ждут очереди)
    #[arg(long, default_value_t = okno::serve::DEFAULT_MAX_CONNECTIONS, value_name = "ЧИСЛО")]
    pub max_connections: usize,
    /// За сколько секунд запрос должен прислать заголовок
    #[arg(long, default_value_t = okno::serve::DEFAULT_HEADER_TIMEOUT_S, value_name = "С")]
    pub header_timeout_s: u64,
    /// Через сколько секунд без данных загрузка прерывается
    #[arg(long, default_value_t = okno::serve::DEFAULT_BODY_TIMEOUT_S, value_name = "С")]
    pub body_timeout_s: u64,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Добавить пользователя (или сменить его пароль и роль); пароль читается из ввода
    Add(UserAddArgs),
    /// Показать пользователей: роль и территории
    List(UserListArgs),
}

#[derive(Args)]
pub struct UserListArgs {
    /// Папка архива (по умолчанию — как у okno serve)
    #[arg(long, value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
}

#[derive(Args)]
pub struct UserAddArgs {
    /// Имя для входа
    #[arg(value_name = "ИМЯ")]
    pub name: String,
    /// secretary — проверяет, оформляет, сохраняет в архив; viewer — только смотрит;
    /// admin — как секретарь, и читает журнал действий
    #[arg(long, value_parser = ["secretary", "viewer", "admin"], default_value = "secretary")]
    pub role: String,
    /// Территория (код или название из каталога), чьи случаи видит пользователь; можно
    /// несколько раз; без неё — все территории
    #[arg(long = "territory", value_name = "ТЕРРИТОРИЯ")]
    pub territories: Vec<String>,
    /// Папка архива (по умолчанию — как у okno serve)
    #[arg(long, value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
}

/// The inputs of a run.
#[derive(Args)]
pub struct Inputs {
    /// Файлы .xlsx/.ods/.xls/.json/.toml или папки с ними
    #[arg(required = true, value_name = "ФАЙЛ")]
    pub inputs: Vec<PathBuf>,
}

/// An archive a command cannot do without.
#[derive(Args)]
pub struct ArchiveDir {
    /// Папка архива
    #[arg(long, value_name = "ПАПКА")]
    pub archive: PathBuf,
}

#[derive(Args)]
pub struct Jobs {
    /// Число потоков (по умолчанию — все ядра)
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Args)]
pub struct Draft {
    /// Оформлять и случаи с ошибками — как черновики с отметкой «ЧЕРНОВИК» на каждой странице (в архив не попадают)
    #[arg(long)]
    pub draft: bool,
}

/// A period of dates, both ends included; either may be left open.
#[derive(Args)]
pub struct Period {
    /// С даты (ДД.ММ.ГГГГ), включительно
    #[arg(long, value_name = "ДАТА", value_parser = parse_date)]
    pub from: Option<Date>,
    /// По дату (ДД.ММ.ГГГГ), включительно
    #[arg(long, value_name = "ДАТА", value_parser = parse_date)]
    pub to: Option<Date>,
}

/// An archive and a period of it: what export and the logs read.
#[derive(Args)]
pub struct ArchivePeriod {
    #[command(flatten)]
    pub archive: ArchiveDir,
    #[command(flatten)]
    pub period: Period,
}

/// Which forms, in which formats.
#[derive(Args)]
pub struct Forms {
    /// Форматы через запятую: pdf,docx
    // `std::vec::Vec`: the parser reads the whole list, clap does not split it.
    #[arg(long = "format", default_value = "pdf,docx", value_name = "СПИСОК", value_parser = okno::render::parse_formats)]
    pub formats: std::vec::Vec<Format>,
    /// Только эти формы, через запятую (notification, child_assessment, conclusion, …)
    #[arg(long, value_name = "СПИСОК", value_delimiter = ',')]
    pub forms: Option<Vec<String>>,
}

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Вид вывода: text — для человека, json — по объекту JSON на строку
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub format: Output,
    /// Записать в ПАПКА копию каждой таблицы с отмеченными ячейками и листом «Замечания» (для отправителя; .ods и .xls — как .xlsx)
    #[arg(long, value_name = "ПАПКА")]
    pub annotate: Option<PathBuf>,
    #[command(flatten)]
    pub known: KnownArchive,
}

/// An archive only looked in (I-KNOWN), never written.
#[derive(Args)]
pub struct KnownArchive {
    /// Папка архива: сверить каждого ребенка из извещений с архивом — известен ли он уже «Единому окну» (I-KNOWN); архив только читается
    #[arg(long = "archive", value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

#[derive(Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Папка для документов
    #[arg(short, long, value_name = "ПАПКА")]
    pub output: PathBuf,
    #[command(flatten)]
    pub forms: Forms,
    #[command(flatten)]
    pub draft: Draft,
    #[command(flatten)]
    pub jobs: Jobs,
    #[command(flatten)]
    pub known: KnownArchive,
}

#[derive(Args)]
pub struct ArchiveArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub archive: ArchiveDir,
    #[command(flatten)]
    pub jobs: Jobs,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Папки пакетов
    #[arg(value_name = "ПАКЕТ", required_unless_present = "archive")]
    pub bags: Vec<PathBuf>,
    /// Проверить все пакеты архива
    #[arg(long, value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
}

#[derive(Args)]
pub struct IndexArgs {
    /// Папка архива
    #[arg(long, value_name = "ПАПКА")]
    pub archive: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub scope: ArchivePeriod,
    /// Файл .tar
    #[arg(short, long, value_name = "ФАЙЛ")]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct BatchArgs {
    /// Папка с таблицами и файлами случаев
    #[arg(value_name = "ПАПКА")]
    pub dir: PathBuf,
    /// Папка результатов (формы и отчет.xlsx)
    #[arg(short, long, value_name = "ПАПКА")]
    pub output: PathBuf,
    /// Сохранить оформленные случаи в архив
    #[arg(long, value_name = "ПАПКА")]
    pub archive: Option<PathBuf>,
    #[command(flatten)]
    pub jobs: Jobs,
    #[command(flatten)]
    pub draft: Draft,
    /// Вывод для программ: объект JSON на строку для каждого файла
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct QuarterArgs {
    /// Квартал: ГГГГ-QN, например 2026-Q4
    #[arg(value_name = "КВАРТАЛ")]
    pub quarter: String,
    #[command(flatten)]
    pub archive: ArchiveDir,
    /// Папка результатов
    #[arg(short, long, value_name = "ПАПКА")]
    pub output: PathBuf,
    #[command(flatten)]
    pub territory: TerritoryArg,
}

/// One territory of the catalog, by name or code.
#[derive(Args)]
pub struct TerritoryArg {
    /// Только эта территория: название или код из каталога territories.toml (например, «г. Бердск» или berdsk)
    #[arg(long, value_name = "ТЕРРИТОРИЯ")]
    pub territory: Option<String>,
}

#[derive(Args)]
pub struct LogArgs {
    /// detection или intake
    #[arg(value_enum)]
    pub kind: LogKind,
    #[command(flatten)]
    pub scope: ArchivePeriod,
    /// Файл .pdf, .docx или .xlsx; без расширения — все три
    #[arg(short, long, value_name = "ФАЙЛ")]
    pub output: PathBuf,
    #[command(flatten)]
    pub territory: TerritoryArg,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogKind {
    Detection,
    Intake,
}

#[derive(Args)]
pub struct TemplateArgs {
    /// case — книга случая, register — реестр извещений
    #[arg(value_enum)]
    pub kind: TemplateKind,
    /// Куда записать (.xlsx)
    #[arg(short, long, value_name = "ФАЙЛ")]
    pub output: PathBuf,
    /// Заполнить книгу случая данными из файла случая (JSON, TOML или книги)
    #[arg(long, value_name = "ФАЙЛ")]
    pub from: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TemplateKind {
    Case,
    Register,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Папка с примерами
    #[arg(long, default_value = "fixtures", value_name = "ПАПКА")]
    pub fixtures: PathBuf,
    /// Папка результатов
    #[arg(short, long, default_value = "output", value_name = "ПАПКА")]
    pub output: PathBuf,
    #[command(flatten)]
    pub jobs: Jobs,
}
