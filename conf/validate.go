package conf

// validateHTTP runs the checks that need every server with its merged
// settings: TLS material, how servers share listen addresses and names,
// and the session_sticky and gw_api warnings (sticky_warn.go, api_warn.go).
func validateHTTP(b *builder, h *HTTP) error {
	for _, srv := range h.Servers {
		if err := checkServerTLS(srv); err != nil {
			return err
		}
	}
	if err := checkListens(h.Servers); err != nil {
		return err
	}
	warnings, err := CheckServerNames(h.Servers)
	if err != nil {
		return err
	}
	b.cfg.Warnings = append(b.cfg.Warnings, warnings...)
	warnStickyCleaning(b, h)
	warnOpenAPI(b, h)
	return nil
}
