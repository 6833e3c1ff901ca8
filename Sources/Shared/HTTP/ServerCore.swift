import CMicroHTTPD
import CShims
import Foundation
import Synchronization

/// What libmicrohttpd's callbacks reach through their context pointer.
///
/// Sendable with `let`s only: the callbacks run on every pool thread at once.
final class ServerCore: Sendable {
    let pipeline: RequestPipeline
    let bodyLimit: Int
    /// Requests begun and not yet completed, which a graceful stop waits for.
    let inFlight = Atomic<Int>(0)

    init(pipeline: RequestPipeline, bodyLimit: Int) {
        self.pipeline = pipeline
        self.bodyLimit = bodyLimit
    }
}

/// The state of a request whose body is still arriving, kept between access-handler calls.
///
/// Not Sendable-checked: libmicrohttpd calls a connection's handlers from one thread at a time.
final class PendingRequest {
    let started: ContinuousClock.Instant
    var body = Data()
    var isTooLarge = false

    init(started: ContinuousClock.Instant) {
        self.started = started
    }
}

/// libmicrohttpd's access handler: called once when the headers are in, again for each part of
/// the body, and a last time with no data when the body is complete.
func mhdAccessHandler(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?,
    uploadDataSize: UnsafeMutablePointer<Int>?, requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let context, let connection, let url, let method, let uploadDataSize, let requestContext else {
        return .NO
    }
    let core = Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue()

    guard let pendingPointer = requestContext.pointee else {
        // First call: the headers are in. A body declared too large is refused now, which also
        // makes libmicrohttpd close the connection instead of reading it. Anything else is
        // answered on a later call: a response queued before the request is complete would cost
        // the keep-alive connection.
        let started = ContinuousClock.now
        core.inFlight.add(1, ordering: .relaxed)
        if let length = header(connection, "Content-Length"), let declared = Int(length), declared > core.bodyLimit {
            return refuseTooLarge(core, connection, url: url, method: method, started: started)
        }
        requestContext.pointee = Unmanaged.passRetained(PendingRequest(started: started)).toOpaque()
        return .YES
    }

    let pending = Unmanaged<PendingRequest>.fromOpaque(pendingPointer).takeUnretainedValue()
    let size = uploadDataSize.pointee
    if size > 0 {
        if !pending.isTooLarge, let uploadData {
            if pending.body.count + size > core.bodyLimit {
                // A chunked body went past the limit: drop what was read and the rest as it
                // arrives; libmicrohttpd lets us answer only once the request is complete.
                pending.isTooLarge = true
                pending.body = Data()
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { pending.body.append($0, count: size) }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    if pending.isTooLarge {
        return refuseTooLarge(core, connection, url: url, method: method, started: pending.started)
    }
    return answer(core, connection, url: url, method: method, body: pending.body, started: pending.started)
}

/// libmicrohttpd's completion callback: releases the pending request, if any, and counts it done.
func mhdRequestCompleted(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?,
    requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, reason: MHD_RequestTerminationCode
) {
    guard let context else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue()
    if let requestContext, let pending = requestContext.pointee {
        Unmanaged<PendingRequest>.fromOpaque(pending).release()
        requestContext.pointee = nil
    }
    core.inFlight.subtract(1, ordering: .relaxed)
}

private func header(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private func makeRequest(
    _ core: ServerCore, _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
    body: Data
) -> Request {
    var collected = CollectedValues()
    withUnsafeMutablePointer(to: &collected) { pointer in
        _ = MHD_get_connection_values(connection, .HEADER_KIND, collectHeader, pointer)
        _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, collectArgument, pointer)
    }
    let headers = HTTPHeaders(collected.headers)
    return Request(
        method: String(cString: method), path: String(cString: url), query: Parameters(collected.arguments),
        headers: headers, body: body, peer: clientAddress(connection),
        id: RequestID.accept(headers["X-Request-ID"]), logger: core.pipeline.logger)
}

private func answer(
    _ core: ServerCore, _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
    body: Data, started: ContinuousClock.Instant
) -> MHD_Result {
    var request = makeRequest(core, connection, url: url, method: method, body: body)
    let response = core.pipeline.respond(to: &request, started: started)
    return queue(response, on: connection)
}

private func refuseTooLarge(
    _ core: ServerCore, _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
    started: ContinuousClock.Instant
) -> MHD_Result {
    var request = makeRequest(core, connection, url: url, method: method, body: Data())
    let response = core.pipeline.refuse(
        &request, with: .payloadTooLarge(limit: core.bodyLimit), started: started)
    return queue(response, on: connection)
}

private func queue(_ response: Response, on connection: OpaquePointer) -> MHD_Result {
    let created = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let created else { return .NO }
    defer { MHD_destroy_response(created) }
    for (name, value) in response.headers {
        _ = MHD_add_response_header(created, name, value)
    }
    return MHD_queue_response(connection, UInt32(response.status), created)
}

/// Header fields and query arguments gathered by the iterators below.
private struct CollectedValues {
    var headers: [(name: String, value: String)] = []
    var arguments: [(name: String, value: String)] = []
}

private func collectHeader(
    context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let context, let key else { return .YES }
    let collected = context.assumingMemoryBound(to: CollectedValues.self)
    collected.pointee.headers.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func collectArgument(
    context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?, value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let context, let key else { return .YES }
    let collected = context.assumingMemoryBound(to: CollectedValues.self)
    collected.pointee.arguments.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
    return .YES
}

/// The client's address from the connection's socket address, kept raw until someone asks.
private func clientAddress(_ connection: OpaquePointer) -> PeerAddress {
    guard let info = shim_mhd_get_connection_info(connection, .CONNECTION_INFO_CLIENT_ADDRESS),
        let address = info.pointee.client_addr
    else { return .text("") }
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { .v4($0.pointee.sin_addr) }
    case AF_INET6:
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { .v6($0.pointee.sin6_addr) }
    default:
        return .text("")
    }
}
