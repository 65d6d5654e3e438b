/**
 * A table over TanStack Table: headless column definitions rendered as a plain, accessible HTML
 * table (caption, column headers with `scope`, an empty row that says what is missing) that
 * scrolls sideways on narrow screens instead of squeezing its columns.
 */
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table"

export const DataTable = <Row,>({
  caption,
  columns,
  data,
  empty,
  rowKey
}: {
  caption: string
  // biome-ignore lint/suspicious/noExplicitAny: TanStack's column value type varies per column
  columns: ReadonlyArray<ColumnDef<Row, any>>
  data: ReadonlyArray<Row>
  empty: string
  rowKey: (row: Row) => string
}) => {
  const table = useReactTable({
    columns: [...columns],
    data: data as Array<Row>,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => rowKey(row)
  })
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="state-empty">
                {empty}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  )
}
