package serve

import (
	"strconv"

	"github.com/valyala/fasthttp"
)

// statusPage returns nginx's built-in page for a status: the same HTML
// nginx sends for its own errors and redirects, with gw's signature, so an
// operator recognises it.
func statusPage(code int, token string) []byte {
	line := strconv.Itoa(code) + " " + reasonPhrase(code)
	return []byte("<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n<center><h1>" + line +
		"</h1></center>\r\n<hr><center>" + token + "</center>\r\n</body>\r\n</html>\r\n")
}

// hasStatusPage reports whether nginx answers this status with a built-in
// page: redirects and errors do; 1xx, 2xx and 304 have no body.
func hasStatusPage(code int) bool {
	return code >= 300 && code != 304
}

// reasonPhrase is the reason phrase for a status, with nginx's wording for
// its own codes.
func reasonPhrase(code int) string {
	switch code {
	case 401:
		return "Authorization Required"
	case 494:
		return "Request Header Or Cookie Too Large"
	case 495:
		return "The SSL certificate error"
	case 496:
		return "No required SSL certificate was sent"
	case 497:
		return "The plain HTTP request was sent to HTTPS port"
	case 499:
		return "Client Closed Request"
	}
	return string(fasthttp.StatusMessage(code))
}

// isRedirect reports whether `return CODE URL` treats its text as a URL.
func isRedirect(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// addHeaderStatuses are the statuses add_header applies to without
// `always`, as nginx documents.
func addHeaderApplies(code int) bool {
	switch code {
	case 200, 201, 204, 206, 301, 302, 303, 304, 307, 308:
		return true
	}
	return false
}
