package conf

import (
	"github.com/gw-proxy/gw/parser"
)

// ignoredDirectives tune nginx internals (worker processes, its buffers,
// its hash tables, its temp files) and mean nothing to gw.
// client_body_temp_path is not one of them: gw spools request bodies there
// (http.go). They are accepted so nginx configurations load unchanged, and
// each use is reported as a notice. They are kept in this one list so that
// what gw ignores can be read, and changed, in one place.
var ignoredDirectives = []directive{
	ignored("worker_rlimit_nofile", ctxMain),
	ignored("worker_cpu_affinity", ctxMain),
	ignored("multi_accept", ctxEvents),
	ignored("use", ctxEvents),
	ignored("accept_mutex", ctxEvents),

	ignored("sendfile", ctxHSL),
	ignored("tcp_nopush", ctxHSL),
	ignored("tcp_nodelay", ctxHSL),

	ignored("proxy_temp_path", ctxHSL),
	ignored("fastcgi_temp_path", ctxHSL),
	ignored("uwsgi_temp_path", ctxHSL),
	ignored("scgi_temp_path", ctxHSL),

	ignored("proxy_buffers", ctxHSL),
	ignored("proxy_buffer_size", ctxHSL),
	ignored("proxy_busy_buffers_size", ctxHSL),

	ignored("types_hash_max_size", ctxHSL),
	ignored("types_hash_bucket_size", ctxHSL),
	ignored("server_names_hash_max_size", ctxHTTP),
	ignored("server_names_hash_bucket_size", ctxHTTP),
	ignored("variables_hash_max_size", ctxHTTP),
	ignored("variables_hash_bucket_size", ctxHTTP),
	ignored("map_hash_max_size", ctxHTTP),
	ignored("map_hash_bucket_size", ctxHTTP),
	// The size of Tengine's shared memory zone for check results: gw has
	// one process, whose checks need no zone.
	ignored("check_shm_size", ctxHTTP),

	// MIME types only matter to a server of files; operators paste
	// "include mime.types; default_type ...;" from nginx.conf.
	{name: "types", ctx: ctxHSL, args: exactly(0), block: true, handle: because("gw serves no files")},
	{name: "default_type", ctx: ctxHSL, args: exactly(1), handle: because("gw serves no files")},

	// Lines real configurations carry whose work gw does its own way.
	ignoredBecause("zone", ctxUpstream, "an upstream's state is shared by all of gw's connections already"),
	ignoredBecause("keepalive_time", ctxUpstream, "upstream connections are closed by keepalive_timeout and keepalive_requests"),
	ignoredBecause("ssl_session_cache", ctxHS, "gw's TLS resumes sessions with tickets"),
	ignoredBecause("ssl_session_timeout", ctxHS, "gw's TLS resumes sessions with tickets"),
	ignoredBecause("client_header_buffer_size", ctxHS, "large_client_header_buffers sizes the header buffer"),
	ignoredBecause("gzip", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_types", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_min_length", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_comp_level", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_vary", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_proxied", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_disable", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_http_version", ctxHSL, "gw does not compress responses"),
	ignoredBecause("gzip_buffers", ctxHSL, "gw does not compress responses"),
}

// ignored is a row that accepts any arguments in ctx and reports a notice.
func ignored(name string, ctx ctxMask) directive {
	return directive{name: name, ctx: ctx, args: atLeast(0), multi: true, handle: ignoreDirective}
}

// ignoreDirective records the notice; a block's content (types) is not
// looked at.
func ignoreDirective(b *builder, d *parser.Directive) error {
	b.notice(d.Pos, "%q is accepted and ignored: gw has no such tuning", d.Name)
	return nil
}

// ignoredBecause is a row that accepts any arguments in ctx and reports a
// notice saying why gw needs none of it.
func ignoredBecause(name string, ctx ctxMask, why string) directive {
	return directive{name: name, ctx: ctx, args: atLeast(0), multi: true, handle: because(why)}
}

// because records the notice that the directive is ignored, and why.
func because(why string) func(*builder, *parser.Directive) error {
	return func(b *builder, d *parser.Directive) error {
		b.notice(d.Pos, "%q is accepted and ignored: %s", d.Name, why)
		return nil
	}
}
