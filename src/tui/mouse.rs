//! Where the mouse can click: the drawing records where the last frame put
//! the view tabs and the table's header and rows ([`HitMap`]); the app asks
//! it what is under a cell ([`HitMap::target`]). Plain data, so clicks are
//! tested without a terminal. `V` names the views (the app's panes).

use ratatui::layout::{Position, Rect};

/// What the last frame drew where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitMap<V> {
    /// The view tabs.
    pub tabs: Vec<(V, Rect)>,
    /// The main table, when the view is one.
    pub table: Option<TableHit<V>>,
}

impl<V> Default for HitMap<V> {
    fn default() -> HitMap<V> {
        HitMap {
            tabs: Vec::new(),
            table: None,
        }
    }
}

/// A table as drawn: its header cells and the rows on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableHit<V> {
    /// The view the table belongs to.
    pub pane: V,
    /// Each header cell: the column (its index in the table's
    /// [`Column::ALL`](super::table::Column::ALL)) and where it was drawn.
    pub header: Vec<(usize, Rect)>,
    /// The lines the rows occupy, the first showing row `offset`.
    pub rows: Rect,
    pub offset: usize,
    /// Rows drawn (the last lines of `rows` may be empty).
    pub shown: usize,
}

/// What is under the mouse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<V> {
    Tab(V),
    /// A column's header in a view's table (by its index in the table's
    /// columns).
    Header(V, usize),
    /// A row of a view's table, by its index in the table (not on screen).
    Row(V, usize),
}

impl<V: Copy + PartialEq> HitMap<V> {
    /// The target at a terminal cell (0-based column and row), if any.
    pub fn target(&self, column: u16, row: u16) -> Option<Target<V>> {
        let at = Position::new(column, row);
        if let Some((pane, _)) = self.tabs.iter().find(|(_, r)| r.contains(at)) {
            return Some(Target::Tab(*pane));
        }
        let table = self.table.as_ref()?;
        if let Some((index, _)) = table.header.iter().find(|(_, r)| r.contains(at)) {
            return Some(Target::Header(table.pane, *index));
        }
        let line = usize::from(row.checked_sub(table.rows.y)?);
        (table.rows.contains(at) && line < table.shown)
            .then_some(Target::Row(table.pane, table.offset + line))
    }

    /// The columns the table shows now (indices in its columns), if the
    /// last frame drew `pane`'s table.
    pub fn columns_of(&self, pane: V) -> Vec<usize> {
        self.table
            .as_ref()
            .filter(|t| t.pane == pane)
            .map(|t| t.header.iter().map(|(i, _)| *i).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Pane {
        Jobs,
        Nodes,
    }

    #[test]
    fn targets_tabs_headers_and_drawn_rows_only() {
        let hits = HitMap {
            tabs: vec![
                (Pane::Jobs, Rect::new(50, 10, 8, 1)),
                (Pane::Nodes, Rect::new(59, 10, 9, 1)),
            ],
            table: Some(TableHit {
                pane: Pane::Jobs,
                header: vec![(0, Rect::new(1, 11, 10, 1)), (3, Rect::new(12, 11, 7, 1))],
                rows: Rect::new(1, 12, 78, 5),
                offset: 20,
                shown: 3,
            }),
        };
        assert_eq!(hits.target(59, 10), Some(Target::Tab(Pane::Nodes)));
        assert_eq!(hits.target(57, 10), Some(Target::Tab(Pane::Jobs)));
        assert_eq!(hits.target(58, 10), None, "between two tabs");
        assert_eq!(hits.target(14, 11), Some(Target::Header(Pane::Jobs, 3)));
        assert_eq!(hits.target(11, 11), None, "between two header cells");
        assert_eq!(hits.target(5, 12), Some(Target::Row(Pane::Jobs, 20)));
        assert_eq!(hits.target(5, 14), Some(Target::Row(Pane::Jobs, 22)));
        assert_eq!(hits.target(5, 15), None, "below the last row drawn");
        assert_eq!(hits.target(0, 12), None, "on the border");
        assert_eq!(hits.target(5, 3), None);
        assert_eq!(hits.columns_of(Pane::Jobs), [0, 3]);
        assert!(hits.columns_of(Pane::Nodes).is_empty());
        assert_eq!(HitMap::<Pane>::default().target(5, 12), None);
    }
}
