package value

// Number parses a non-negative decimal number without sign or spaces, like
// ngx_atoi: "+1", "1e3" and "0x10" are not numbers, nor is anything that
// would overflow.
func Number(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Size parses an nginx size: bytes, or a number followed by k, m or g in
// either case (ngx_parse_offset). Negative and overflowing values fail.
func Size(s string) (int64, bool) {
	scale := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			scale, s = 1<<10, s[:n-1]
		case 'm', 'M':
			scale, s = 1<<20, s[:n-1]
		case 'g', 'G':
			scale, s = 1<<30, s[:n-1]
		}
	}
	n, ok := Number(s)
	if !ok || int64(n) > (1<<63-1)/scale {
		return 0, false
	}
	return int64(n) * scale, true
}
