import Foundation
import Testing

/// The seed's process through the public interfaces only, against the four service binaries
/// started as processes: deploy/local/main-flow.sh walks it and says what each step did, and the
/// tests check its outcomes again from outside.
@Suite(.serialized)
struct EndToEndTests {
    @Test(
        "the services start as processes; support registers ABS and its people, another program's PATs arrive; twice"
    )
    func registrationAndPatsFromAnotherProgram() throws {
        let system = try RunningSystem()
        defer { system.stop() }

        let flow = try system.runFlow(extra: ["FLOW_MAIL_WAIT": "0"])
        for heading in ["Platform", "1.", "3."] {
            #expect(!flow.steps(in: heading).isEmpty, "no steps under \(heading):\n\(flow.text)")
            #expect(flow.unsuccessful(in: heading).isEmpty, "\(heading) did not succeed:\n\(flow.text)")
        }
        #expect(flow.text.contains("Summary: "))

        let token = try system.supportToken()
        for number in ["51502", "51505", "51507", "51590"] {
            let pat = try system.get("boleta", "/pats/\(number)", token: token)
            #expect(pat.status == 200, "PAT \(number)")
            #expect((pat.json as? [String: Any])?["revision"] as? Int == 1)
        }
        let listed = try system.get("boleta", "/pats?clientCode=ABS&limit=200", token: token)
        let numbers = ((listed.json as? [String: Any])?["items"] as? [[String: Any]])?.compactMap {
            $0["number"] as? String
        }
        #expect(numbers?.sorted() == ["51502", "51505", "51507", "51590"], "each PAT kept once")

        let parked = try system.get("boleta", "/admin/parked-events", token: token)
        let items = (parked.json as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1, "only the malformed event is parked, not the repeated one: \(items)")
        #expect(items.first?["eventType"] as? String == "pat.updated")
        #expect(items.first?["reason"] as? String == "field data.number is missing")

        let second = try system.runFlow(extra: ["FLOW_MAIL_WAIT": "0"])
        for heading in ["Platform", "1.", "3."] {
            #expect(second.unsuccessful(in: heading).isEmpty, "a second run, \(heading):\n\(second.text)")
        }
        #expect(second.text.contains("D51591 was registered by an earlier run: support gave it a new initial password"))
    }

    @Test(
        "the whole process: welcome e-mails, recording and signing, decisions, reports, jobs, every e-mail once")
    func theWholeProcess() throws {
        let system = try RunningSystem()
        defer { system.stop() }

        let flow = try system.runFlow()
        for heading in ["Platform", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9."] {
            #expect(!flow.steps(in: heading).isEmpty, "no steps under \(heading):\n\(flow.text)")
            #expect(flow.unsuccessful(in: heading).isEmpty, "\(heading) did not succeed:\n\(flow.text)")
        }
        #expect(flow.status == 0, "\(flow.text)")
        for number in 100_000_031...100_000_040 {
            #expect(flow.text.contains("\(number)  2006-12-"), "boleta \(number) recorded with its seed date")
        }

        let mails = try system.mails()
        let welcomed = Set(mails.filter { $0.text.contains("Senha inicial:") }.flatMap(\.to))
        #expect(welcomed.count == 5, "a welcome e-mail to each of the five new people: \(welcomed)")
        #expect(Self.doubled(mails).isEmpty, "e-mails sent twice: \(Self.doubled(mails))")
        for number in 100_000_031...100_000_040 {
            #expect(mails.contains { $0.numbers.contains(number) }, "no e-mail speaks of boleta \(number)")
        }

        let second = try system.runFlow()
        #expect(second.status == 0, "a second run on the same servers:\n\(second.text)")
        #expect(second.text.contains("100000041"), "the second run gets fresh numbers")
        #expect(Self.doubled(try system.mails()).isEmpty)
    }

    /// The messages that arrived more than once: Mail gives each message one `Message-ID`, kept
    /// across retries, so the same one twice is a message delivered twice.
    static func doubled(_ mails: [Mail]) -> [Mail] {
        let counts = Dictionary(grouping: mails, by: \.messageId).filter { $0.value.count > 1 }
        return counts.values.flatMap { $0 }
    }
}
