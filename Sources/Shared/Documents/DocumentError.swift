/// A failure of cairo or pango while writing a document.
public struct DocumentError: Error, Sendable, CustomStringConvertible {
    /// What failed, named after the cairo or pango call.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The PDF surface could not be made.
        public static let cairoPDFSurfaceCreateForStream: Code = "cairo_pdf_surface_create_for_stream"
        /// The drawing context could not be made or is in error after drawing.
        public static let cairoCreate: Code = "cairo_create"
        /// A page could not be ended.
        public static let cairoShowPage: Code = "cairo_show_page"
        /// The document could not be completed and written out.
        public static let cairoSurfaceFinish: Code = "cairo_surface_finish"
        /// A font description could not be read.
        public static let pangoFontDescriptionFromString: Code = "pango_font_description_from_string"
        /// A text layout could not be made.
        public static let pangoCairoCreateLayout: Code = "pango_cairo_create_layout"
        /// The document was used after it was finished.
        public static let finished: Code = "finished"
    }

    /// What failed.
    public var code: Code
    /// What went wrong, for logs.
    public var message: String

    /// Creates an error with `code` and a `message` for logs.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
