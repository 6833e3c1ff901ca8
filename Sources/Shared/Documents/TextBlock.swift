import CCairo

/// The face and size text is set in; fontconfig picks the closest installed face.
public struct DocumentFont: Hashable, Sendable {
    /// The family name, such as `DejaVu Sans`.
    public var family: String
    /// The size in points.
    public var size: Double
    /// Whether the text is bold.
    public var isBold: Bool

    /// A font of `family` at `size` points.
    public init(family: String = "DejaVu Sans", size: Double, isBold: Bool = false) {
        self.family = family
        self.size = size
        self.isBold = isBold
    }

    /// The same font in bold.
    public var bold: DocumentFont {
        var font = self
        font.isBold = true
        return font
    }

    /// The description pango reads, such as `DejaVu Sans Bold 9`; the size is set again as absolute.
    var pangoDescription: String {
        "\(family)\(isBold ? " Bold" : "") \(size)"
    }
}

/// Text laid out by pango for one width, measured line by line so that it can break across pages.
///
/// Owns its layout; the lines point into it and live as long as the block.
final class TextBlock {
    /// One line of the block, its extent in points from the top of the block.
    struct Line {
        var top: Double
        var bottom: Double
        var baseline: Double
        var line: UnsafeMutablePointer<PangoLayoutLine>
    }

    private let layout: OpaquePointer
    /// The lines in order; never empty, an empty text has one empty line.
    private(set) var lines: [Line] = []

    /// `text` laid out in `font` within `width` points, wrapped at words (or characters when a word is
    /// wider than the line).
    init(_ text: String, font: OpaquePointer, width: Double, context: OpaquePointer) throws {
        guard let layout = pango_cairo_create_layout(context) else {
            throw DocumentError(code: .pangoCairoCreateLayout, message: "pango gave no layout")
        }
        self.layout = layout
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_text(layout, text, -1)

        let iterator = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iterator) }
        repeat {
            var top: Int32 = 0
            var bottom: Int32 = 0
            pango_layout_iter_get_line_yrange(iterator, &top, &bottom)
            let baseline = pango_layout_iter_get_baseline(iterator)
            guard let line = pango_layout_iter_get_line_readonly(iterator) else { continue }
            lines.append(
                Line(
                    top: Self.points(top), bottom: Self.points(bottom), baseline: Self.points(baseline), line: line))
        } while pango_layout_iter_next_line(iterator) != 0
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(layout))
    }

    /// The height of all the lines.
    var height: Double { lines.last?.bottom ?? 0 }

    private static func points(_ units: Int32) -> Double {
        Double(units) / Double(PANGO_SCALE)
    }
}
