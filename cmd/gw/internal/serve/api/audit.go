package api

import (
	"fmt"
	"strconv"

	"github.com/rs/zerolog"
)

// Audit writes the audit line of an accepted write to log, at nginx's
// notice (which gw's error log writes at zerolog's info, with
// "severity":"notice"): who (user, "" when the request was not
// authenticated, and the client's address) changed what (change, in
// words, with the value before). Every write the API accepts is logged,
// also one that changes nothing, since it was asked for.
func Audit(log zerolog.Logger, user, client, change string) {
	who := "unauthenticated client"
	if user != "" {
		who = "user " + strconv.Quote(user)
	}
	log.Info().Str("severity", "notice").Str("user", user).Str("client", client).
		Msg("api: " + who + " " + change)
}

// audit logs the change request r made, worded as fmt.Sprintf does.
func (a *API) audit(r *request, format string, args ...any) {
	Audit(a.rt.ErrorLog(), r.user, r.client, fmt.Sprintf(format, args...))
}
