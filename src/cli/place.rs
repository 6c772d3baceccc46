use super::PlaceCommand;
pub fn run(_c: PlaceCommand, _color: bool) -> crate::error::Result<()> {
    Err(crate::Error::Usage("todo".into()))
}
