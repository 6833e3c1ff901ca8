import CCairo
import Foundation

/// A PDF document written top to bottom in memory: headings, paragraphs, labelled fields and tables,
/// wrapped to the page width and continued on a new page when a page is full.
///
/// One document is written by one caller and then finished; it is not shared between threads.
/// Every page ends with a footer naming the document and the page number.
public final class PDFDocument {
    /// A column of a table: its title and its share of the content width.
    public struct Column: Sendable {
        public var title: String
        /// The share of the width, relative to the other columns' shares.
        public var share: Double

        /// A column titled `title` taking `share` of the width.
        public init(_ title: String, share: Double) {
            self.title = title
            self.share = share
        }
    }

    /// A cell about to be drawn: its text laid out and where it goes across the page.
    private struct PlacedBlock {
        var block: TextBlock
        var x: Double
    }

    /// A4 in points.
    public static let a4 = (width: 595.276, height: 841.89)

    private let surface: OpaquePointer
    private let context: OpaquePointer
    private let sink: Unmanaged<PDFSink>
    private var fonts: [DocumentFont: OpaquePointer] = [:]
    private var isFinished = false

    private let width: Double
    private let height: Double
    private let margin: Double
    private let footer: String
    /// The font of paragraphs, fields and tables.
    public let font: DocumentFont
    /// The space between the text of a table cell and its edges.
    private let padding = 2.5
    /// Where the next thing is drawn, in points from the top of the page.
    private var y: Double
    /// The pages begun so far, the current one included.
    public private(set) var pageCount = 1

    /// A new document of one empty page.
    ///
    /// - Parameters:
    ///   - title: The document's title in its metadata.
    ///   - footer: The text at the foot of every page, before the page number.
    ///   - font: The font of the body text; headings are larger and bold.
    public init(
        title: String, footer: String, font: DocumentFont = DocumentFont(size: 9), margin: Double = 42.5
    ) throws {
        width = Self.a4.width
        height = Self.a4.height
        self.margin = margin
        self.footer = footer
        self.font = font
        y = margin
        sink = Unmanaged.passRetained(PDFSink())
        let surface = cairo_pdf_surface_create_for_stream(writeToSink, sink.toOpaque(), width, height)!
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            sink.release()
            throw DocumentError(code: .cairoPDFSurfaceCreateForStream, message: Self.message(status))
        }
        self.surface = surface
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        context = cairo_create(surface)!
        try check(.cairoCreate)
        cairo_set_source_rgb(context, 0, 0, 0)
    }

    deinit {
        for description in fonts.values { pango_font_description_free(description) }
        cairo_destroy(context)
        cairo_surface_destroy(surface)
        sink.release()
    }

    /// The width text may take between the margins.
    public var contentWidth: Double { width - 2 * margin }

    /// A heading: larger, bold text, with space before it unless it opens the page.
    public func heading(_ text: String, size: Double = 12) throws {
        if y > margin { space(6) }
        try row([(text, DocumentFont(family: font.family, size: size, isBold: true), 0, contentWidth)], padding: 1)
        space(2)
    }

    /// A paragraph in the body font, or in `font` when given.
    public func paragraph(_ text: String, font: DocumentFont? = nil) throws {
        try row([(text, font ?? self.font, 0, contentWidth)], padding: 1)
    }

    /// Labelled values, one a line: the label in bold in a column `labelWidth` wide, the value beside it.
    public func fields(_ fields: [(label: String, value: String)], labelWidth: Double = 140) throws {
        for field in fields {
            try row(
                [
                    (field.label, font.bold, 0, labelWidth),
                    (field.value, font, labelWidth, contentWidth - labelWidth),
                ], padding: 1)
        }
    }

    /// A table with a bold header row, repeated on every page the table continues on, and a thin
    /// rule under each row. A row that does not fit on the rest of the page moves to the next one;
    /// a row taller than a page breaks between its lines.
    public func table(_ columns: [Column], rows: [[String]]) throws {
        let total = columns.reduce(0) { $0 + $1.share }
        var x = 0.0
        let spans = columns.map { column -> (x: Double, width: Double) in
            defer { x += contentWidth * column.share / total }
            return (x, contentWidth * column.share / total)
        }
        let header = { [font] in
            zip(columns, spans).map { column, span in (column.title, font.bold, span.x, span.width) }
        }
        try row(header(), padding: padding)
        rule()
        for cells in rows {
            let placed = zip(cells, spans).map { text, span in (text, font, span.x, span.width) }
            try row(placed, padding: padding) { [self] in
                try row(header(), padding: padding)
                rule()
            }
            rule()
        }
    }

    /// Empty space of `points`, unless the page ends sooner.
    public func space(_ points: Double) {
        y = min(y + points, bottom)
    }

    /// A thin rule across the content width.
    public func rule() {
        cairo_set_line_width(context, 0.5)
        cairo_move_to(context, margin, y)
        cairo_line_to(context, width - margin, y)
        cairo_stroke(context)
    }

    /// Ends the current page and begins a new one.
    public func newPage() throws {
        try checkNotFinished()
        try endPage()
        pageCount += 1
        y = margin
    }

    /// Ends the last page and returns the whole document; the document cannot be written to afterwards.
    public func finish() throws -> Data {
        try checkNotFinished()
        try endPage()
        isFinished = true
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DocumentError(code: .cairoSurfaceFinish, message: Self.message(status))
        }
        return sink.takeUnretainedValue().data
    }

    // MARK: - Drawing

    /// The lowest point text may reach, above the footer.
    private var bottom: Double { height - margin - 14 }

    /// Draws cells side by side (text, font, x from the left margin, width), as tall as the tallest.
    ///
    /// A row that fits on an empty page but not on the rest of this one begins on the next page,
    /// after `continued` (a table's header). A taller row breaks between lines.
    private func row(
        _ cells: [(String, DocumentFont, Double, Double)], padding: Double, continued: () throws -> Void = {}
    ) throws {
        try checkNotFinished()
        let placed = try cells.map { text, font, x, width in
            PlacedBlock(
                block: try TextBlock(
                    text, font: try description(of: font), width: width - 2 * padding, context: context),
                x: margin + x + padding)
        }
        let rowHeight = (placed.map(\.block.height).max() ?? 0) + 2 * padding
        if y + rowHeight > bottom, rowHeight <= bottom - margin {
            try newPage()
            try continued()
        }

        var next = Array(repeating: 0, count: placed.count)
        var sliceTop = placed.map { _ in 0.0 }
        var isPageTop = y <= margin
        y += padding
        while true {
            let available = bottom - y
            var used = 0.0
            for (index, cell) in placed.enumerated() {
                let lines = cell.block.lines
                while next[index] < lines.count {
                    let line = lines[next[index]]
                    let lineBottom = line.bottom - sliceTop[index]
                    // A line taller than a page is drawn anyway, so that the loop always advances.
                    let isFirstOnPage = isPageTop && line.top == sliceTop[index]
                    if lineBottom > available, !isFirstOnPage { break }
                    cairo_move_to(context, cell.x, y + line.baseline - sliceTop[index])
                    pango_cairo_show_layout_line(context, line.line)
                    used = max(used, lineBottom)
                    next[index] += 1
                }
            }
            let unfinished = placed.indices.filter { next[$0] < placed[$0].block.lines.count }
            if unfinished.isEmpty {
                y += used + padding
                return
            }
            for index in unfinished { sliceTop[index] = placed[index].block.lines[next[index]].top }
            for index in placed.indices where !unfinished.contains(index) {
                sliceTop[index] = placed[index].block.height
            }
            try newPage()
            try continued()
            isPageTop = true
            y += padding
        }
    }

    private func endPage() throws {
        let foot = try TextBlock(
            "\(footer) — página \(pageCount)",
            font: try description(of: DocumentFont(family: font.family, size: font.size - 1)), width: contentWidth,
            context: context)
        for line in foot.lines {
            cairo_move_to(context, margin, height - margin + line.baseline)
            pango_cairo_show_layout_line(context, line.line)
        }
        cairo_show_page(context)
        try check(.cairoShowPage)
    }

    private func checkNotFinished() throws {
        guard !isFinished else { throw DocumentError(code: .finished, message: "the document was finished") }
    }

    private func description(of font: DocumentFont) throws -> OpaquePointer {
        if let found = fonts[font] { return found }
        guard let description = pango_font_description_from_string(font.pangoDescription) else {
            throw DocumentError(code: .pangoFontDescriptionFromString, message: font.pangoDescription)
        }
        // Absolute: in the surface's units, points; a plain size would be read at pango's 96 dpi.
        pango_font_description_set_absolute_size(description, font.size * Double(PANGO_SCALE))
        fonts[font] = description
        return description
    }

    /// Throws `code` when the drawing context is in error; cairo stops drawing after the first error.
    private func check(_ code: DocumentError.Code) throws {
        let status = cairo_status(context)
        guard status == CAIRO_STATUS_SUCCESS else { throw DocumentError(code: code, message: Self.message(status)) }
    }

    private static func message(_ status: cairo_status_t) -> String {
        String(cString: cairo_status_to_string(status))
    }
}

/// Collects the bytes cairo writes out.
private final class PDFSink {
    var data = Data()
}

/// cairo's write callback: appends to the ``PDFSink`` passed as its closure.
private func writeToSink(
    _ closure: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<UInt8>?, _ length: UInt32
) -> cairo_status_t {
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}
