use super::ProfileCommand;
pub fn run(_c: ProfileCommand, _color: bool) -> crate::error::Result<()> {
    Err(crate::Error::Usage("todo".into()))
}
