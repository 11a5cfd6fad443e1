//! `okno user add`: a user of the page, the password read from the input (twice when typed).

use super::args::UserCommand;
use super::term::{err, outln};
use okno::error::{Error, Result};
use okno::serve::{self, auth};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add(a) => {
            let role = auth::Role::parse(&a.role).ok_or_else(|| {
                Error::Usage(format!("роль «{}»: secretary, viewer или admin", a.role))
            })?;
            let territories = auth::territory_codes(&a.territories)
                .map_err(|e| Error::Usage(format!("--territory: {e}")))?;
            let archive = a.archive.unwrap_or_else(serve::default_archive);
            let stdin = std::io::stdin();
            let typed = stdin.is_terminal();
            let read = |prompt: &str| -> Result<String> {
                if typed {
                    err!("{prompt}");
                    let _ = std::io::stderr().flush();
                }
                let mut line = String::new();
                stdin
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| Error::Failed(e.to_string()))?;
                Ok(line.trim_end_matches(['\r', '\n']).to_string())
            };
            let password = read("Пароль: ")?;
            if typed && read("Пароль ещё раз: ")? != password {
                return Err(Error::Usage("пароли не совпадают".into()));
            }
            auth::add_user(&archive, &a.name, role, &territories, &password)
                .map_err(|e| Error::Usage(e.to_string()))?;
            outln!(
                "пользователь {} ({}{}) добавлен в {}",
                a.name,
                role.ru(),
                territories_text(&territories, "; "),
                auth::users_path(&archive).display()
            );
            Ok(())
        }
        UserCommand::List(a) => {
            let archive = a.archive.unwrap_or_else(serve::default_archive);
            let users = auth::load_users(&archive).map_err(|e| Error::Usage(e.to_string()))?;
            if users.is_empty() {
                outln!(
                    "пользователей нет в {}: страница открыта только с этого компьютера, без входа",
                    auth::users_path(&archive).display()
                );
            }
            for u in &users {
                let all = if u.territories.is_empty() {
                    "; все территории"
                } else {
                    ""
                };
                outln!(
                    "{} ({}{}{})",
                    u.name,
                    u.role.ru(),
                    territories_text(&u.territories, "; "),
                    all
                );
            }
            Ok(())
        }
    }
}

/// `; территории: г. Бердск (berdsk), …`, or nothing for none.
fn territories_text(codes: &[String], lead: &str) -> String {
    if codes.is_empty() {
        return String::new();
    }
    let named: Vec<String> = codes
        .iter()
        .map(|c| {
            let name = okno::catalog::catalog().label(okno::model::Territory::LIST, c);
            format!("{name} ({c})")
        })
        .collect();
    format!("{lead}территории: {}", named.join(", "))
}
