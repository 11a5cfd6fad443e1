//! `okno user add`: a user of the page, the password read from the input (twice when typed).

use super::args::UserCommand;
use super::term::{err, outln};
use okno::error::{Error, Result};
use okno::serve::{self, auth};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add(a) => {
            let role = auth::Role::parse(&a.role)
                .ok_or_else(|| Error::Usage(format!("роль «{}»: secretary или viewer", a.role)))?;
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
            auth::add_user(&archive, &a.name, role, &password)
                .map_err(|e| Error::Usage(e.to_string()))?;
            outln!(
                "пользователь {} ({}) добавлен в {}",
                a.name,
                role.ru(),
                auth::users_path(&archive).display()
            );
            Ok(())
        }
    }
}
