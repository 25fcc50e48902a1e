package sticky

import (
	"errors"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(c *Config)
		wantParam string
		wantMsg   string
	}{
		{"default is valid", nil, "", ""},
		{"every flag and attribute set is valid", func(c *Config) {
			c.Domain, c.MaxAge, c.HTTPOnly, c.Secure = ".example.com", time.Hour, true, true
			c.SameSite, c.NoCache, c.PostOnly, c.Preserve = SameSiteLax, true, true, true
			c.MaxIdle, c.MaxLife, c.Secret, c.Hash = time.Minute, time.Hour, "k", HashHMAC
		}, "", ""},
		{"prefix with indirect is allowed", func(c *Config) { c.Mode, c.Option = ModePrefix, OptionIndirect }, "", ""},
		{"empty cookie name", func(c *Config) { c.Cookie = "" }, "cookie", "invalid cookie"},
		{"cookie name with space", func(c *Config) { c.Cookie = "a b" }, "cookie", "invalid cookie"},
		{"cookie name with equals", func(c *Config) { c.Cookie = "a=b" }, "cookie", "invalid cookie"},
		{"cookie name with semicolon", func(c *Config) { c.Cookie = "a;b" }, "cookie", "invalid cookie"},
		{"cookie name non-ASCII", func(c *Config) { c.Cookie = "rüte" }, "cookie", "invalid cookie"},
		{"domain with semicolon", func(c *Config) { c.Domain = "a.com;x" }, "domain", "invalid domain"},
		{"domain with control char", func(c *Config) { c.Domain = "a\r\n.com" }, "domain", "invalid domain"},
		{"empty path", func(c *Config) { c.Path = "" }, "path", "invalid path"},
		{"path with space", func(c *Config) { c.Path = "/a b" }, "path", "invalid path"},
		{"negative maxage", func(c *Config) { c.MaxAge = -time.Second }, "maxage", "invalid maxage"},
		{"sub-second maxage", func(c *Config) { c.MaxAge = 1500 * time.Millisecond }, "maxage", "invalid maxage"},
		{"negative maxidle", func(c *Config) { c.MaxIdle = -time.Second }, "maxidle", "invalid maxidle"},
		{"sub-second maxlife", func(c *Config) { c.MaxLife = time.Millisecond }, "maxlife", "invalid maxlife"},
		{"unknown mode", func(c *Config) { c.Mode = 7 }, "mode", "invalid mode"},
		{"unknown option", func(c *Config) { c.Option = 7 }, "option", "invalid option"},
		{"unknown hash", func(c *Config) { c.Hash = 7 }, "hash", "invalid hash mode"},
		{"unknown samesite", func(c *Config) { c.SameSite = 9 }, "samesite", "invalid samesite"},
		{"rewrite with indirect", func(c *Config) { c.Mode, c.Option = ModeRewrite, OptionIndirect },
			"option", `"option=indirect" cannot be used with "mode=rewrite"`},
		{"preserve with rewrite", func(c *Config) { c.Mode, c.Preserve = ModeRewrite, true },
			"preserve", `"preserve" requires "mode=insert"`},
		{"preserve with prefix", func(c *Config) { c.Mode, c.Preserve = ModePrefix, true },
			"preserve", `"preserve" requires "mode=insert"`},
		{"hmac without secret", func(c *Config) { c.Hash = HashHMAC },
			"hash", `"hash=hmac" requires "secret="`},
		{"bad value reported before combination", func(c *Config) { c.Cookie, c.Hash = "", HashHMAC },
			"cookie", "invalid cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfgWith(tt.edit)
			err := c.Validate()
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate() = %v, want *ParamError", err)
			}
			if pe.Param != tt.wantParam || pe.Error() != tt.wantMsg {
				t.Errorf("Validate() = {%q, %q}, want {%q, %q}", pe.Param, pe.Error(), tt.wantParam, tt.wantMsg)
			}
		})
	}
}

func TestCompileRejectsInvalidConfig(t *testing.T) {
	c := cfgWith(func(c *Config) { c.Hash = HashHMAC })
	if _, err := Compile(c, testSIDs); err == nil {
		t.Fatal("Compile accepted hash=hmac without secret")
	}
}

func TestCompileRejectsUnusableSID(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		sid  string
	}{
		{"empty sid", DefaultConfig(), ""},
		{"sid with space", DefaultConfig(), "a b"},
		{"sid with semicolon", DefaultConfig(), "a;b"},
		{"sid with comma", DefaultConfig(), "a,b"},
		{"sid with quote", DefaultConfig(), `a"b`},
		{"sid non-ASCII", DefaultConfig(), "sérveur"},
		{"pipe in timed insert", timedCfg(time.Minute, 0), "a|b"},
		{"tilde in prefix", cfgWith(func(c *Config) { c.Mode = ModePrefix }), "a~b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.cfg, []string{"ok", tt.sid})
			var se *SIDError
			if !errors.As(err, &se) {
				t.Fatalf("Compile = %v, want *SIDError", err)
			}
			if se.Peer != 1 || se.SID != tt.sid {
				t.Errorf("SIDError = {%d, %q}, want {1, %q}", se.Peer, se.SID, tt.sid)
			}
		})
	}
}

func TestCompileAcceptsSeparatorsWhereHarmless(t *testing.T) {
	// "|" only matters in timed insert mode, "~" only in prefix mode, and an
	// IPv6 address text is a legal cookie value.
	for _, c := range []struct {
		name string
		cfg  Config
		sid  string
	}{
		{"pipe in untimed insert", DefaultConfig(), "a|b"},
		{"tilde in insert", timedCfg(time.Minute, 0), "a~b"},
		{"ipv6 address with plain hash", DefaultConfig(), "[::1]:8080"},
	} {
		if _, err := Compile(c.cfg, []string{c.sid}); err != nil {
			t.Errorf("%s: Compile = %v", c.name, err)
		}
	}
}
