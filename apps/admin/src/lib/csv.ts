/**
 * CSV export: RFC 4180 quoting (fields with commas, quotes or line breaks are quoted, quotes
 * doubled), CRLF line ends, and a leading apostrophe for cells that a spreadsheet would read as a
 * formula (`=`, `+`, `-`, `@` followed by a non-digit), so an exported reference cannot run code.
 */
export interface CsvColumn<Row> {
  readonly header: string
  readonly value: (row: Row) => string | number | null
}

const formulaStart = /^[=+\-@\t\r](?![\d.]+$)/

const cell = (value: string | number | null): string => {
  if (value === null) return ""
  let text = String(value)
  if (formulaStart.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const toCsv = <Row>(rows: ReadonlyArray<Row>, columns: ReadonlyArray<CsvColumn<Row>>): string =>
  [
    columns.map((column) => cell(column.header)).join(","),
    ...rows.map((row) => columns.map((column) => cell(column.value(row))).join(","))
  ]
    .map((line) => `${line}\r\n`)
    .join("")

/** Offers `text` to the user as a file download. */
export const downloadText = (filename: string, text: string, type = "text/csv;charset=utf-8"): void => {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement("a")
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
