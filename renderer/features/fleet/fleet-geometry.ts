/**
 * The table's geometry, shared by the header, the rows and the virtualizer.
 * Every row has the same height, which is what lets the table render only
 * the visible rows.
 */
export const ROW_HEIGHT = 38;
export const HEADER_HEIGHT = 36;
