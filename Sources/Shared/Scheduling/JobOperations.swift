import Foundation

/// A service's daily jobs as the service host runs them: the scheduler part, and the operator's
/// way to run a job for a chosen day.
struct JobOperations: Sendable {
    let context: ServiceContext
    let jobs: [ScheduledJob]
    let clock: @Sendable () -> Date

    /// The body of `POST /admin/jobs/{name}/runs`.
    struct RunRequest: Decodable, Sendable {
        var period: String?
    }

    /// What `POST /admin/jobs/{name}/runs` answers when the job ran.
    struct RunView: Encodable, Sendable {
        var job: String
        var period: String
    }

    /// A scheduler of the jobs, which records its runs as `instance`.
    func scheduler(instance: String) throws -> JobScheduler {
        try context.scheduler(of: jobs, instance: instance, clock: clock)
    }

    /// Adds `POST /admin/jobs/{name}/runs` {period}: vendor support runs a job for a chosen day;
    /// 201 when it ran, 409 when that day already ran, 404 for an unknown job.
    func addEndpoint(to router: inout Router) {
        let operations = self
        let middleware = [context.requireToken, context.requireVendorRole(.support)]
        router.post("/admin/jobs/{name}/runs", middleware: middleware) { request in
            let principal = try request.principal(as: Principal.self)
            let name = try request.pathParameter("name")
            guard operations.jobs.contains(where: { $0.name == name }) else {
                throw HTTPError.notFound("No scheduled job is named \(name).")
            }
            let body = try request.decode(RunRequest.self)
            guard let text = body.period else {
                throw HTTPError.invalid([HTTPError.FieldError(field: "period", message: "is required")])
            }
            guard let period = PostgresDate(iso: text) else {
                throw HTTPError.invalid([HTTPError.FieldError(field: "period", message: "is not a date YYYY-MM-DD")])
            }
            // The instance names the operator, so that job_run tells a hand-made run from a tick.
            let scheduler = try operations.scheduler(
                instance: "\(JobScheduler.defaultInstance) operator \(principal.userID.uuidString)")
            guard try scheduler.run(job: name, period: period) else {
                throw HTTPError.conflict("Job \(name) already ran for \(period).")
            }
            return try .json(RunView(job: name, period: period.description), status: 201)
        }
    }
}
