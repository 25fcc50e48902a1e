# bench/configs.sh: writes every configuration into $TMP. Sourced by lib.sh.
#
# The three peers get the same shape:
#   main server  /      -> upstream of both backends WITH cookie persistence
#                          (nginx open source has none: / is plain there)
#                /rr/   -> upstream of both backends without persistence
#                /learn/ -> learned persistence on the backends' PHPSESSID
#                          (gw sticky learn, HAProxy stick table; nginx
#                          open source has none)
#   many server  1,000 prefix + 50 regex locations, all -> the plain upstream;
#                the benchmark asks for MANY_PATH, which hits a late prefix
#                after every regex has been tried.
# Upstream keep-alive everywhere; client keep-alive limits raised so no peer
# closes wrk's connections during a run; no access logs.
#
# UP_KEEPALIVE (nginx's and gw's `keepalive N`) is twice wrk's connections.
# With 32 and the `sticky` scenario's 50 clients all pinned to one backend,
# gw found no idle connection for 2.4% of requests and dialled a new one
# (perf stat: 0.0235 connect()s per request, about 2.5 us of CPU each
# request on average); HAProxy's `http-reuse always` keeps every connection.
# The benchmark compares proxying, not a too-small connection cache.
UP_KEEPALIVE=${BENCH_UP_KEEPALIVE:-$((${BENCH_CONNECTIONS:-50} * 2))}

MANY_PREFIXES=1000
MANY_REGEXES=50
MANY_PATH="/l0999/page.html"

# many_locations INDENT: the nginx/gw location list (same syntax for both).
many_locations() {
	local i
	for ((i = 0; i < MANY_PREFIXES; i++)); do
		printf '        location /l%04d/ { proxy_pass http://plain; }\n' "$i"
	done
	# Half anchored on a path prefix, half on a file suffix (the usual
	# "\.php$" and "\.(gif|jpg)$" kinds); none matches MANY_PATH.
	for ((i = 0; i < MANY_REGEXES; i++)); do
		if ((i % 2 == 0)); then
			printf '        location ~ ^/rx%04d/.+\\.php$ { proxy_pass http://plain; }\n' "$i"
		else
			printf '        location ~* \\.x%02d(gif|jpe?g|png)$ { proxy_pass http://plain; }\n' "$i"
		fi
	done
}

write_backend_conf() {
	cat >"$TMP/backend/nginx.conf" <<EOF
# The shared backends: two servers, one nginx process, one worker.
worker_processes 1;
daemon off;
worker_rlimit_nofile $NOFILE;
error_log $TMP/backend/error.log warn;
pid $TMP/backend/nginx.pid;
events { worker_connections 8192; }
http {
    access_log off;
    default_type text/html;
    client_body_temp_path $TMP/backend/tmp/body;
    proxy_temp_path $TMP/backend/tmp/proxy;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$PORT_B1;
        location / {
            add_header Set-Cookie "PHPSESSID=b1f0c3a9e8d7c6b5a4f3e2d1c0b9a8f7; path=/";
            return 200 "<html><body>backend 1: hello</body></html>\n";
        }
    }
    server {
        listen 127.0.0.1:$PORT_B2;
        location / {
            add_header Set-Cookie "PHPSESSID=b2e1d2c3b4a5968778695a4b3c2d1e0f; path=/";
            return 200 "<html><body>backend 2: hello</body></html>\n";
        }
    }
}
EOF
}

write_nginx_conf() {
	{
		cat <<EOF
# nginx peer: one worker, HTTP/1.1 keep-alive upstream. Open-source nginx has
# no cookie insertion, so / is plain round robin like /rr/.
worker_processes 1;
daemon off;
worker_rlimit_nofile $NOFILE;
error_log $TMP/nginx/error.log warn;
pid $TMP/nginx/nginx.pid;
events { worker_connections 20000; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    upstream plain {
        server 127.0.0.1:$PORT_B1;
        server 127.0.0.1:$PORT_B2;
        keepalive $UP_KEEPALIVE;
    }
    server {
        listen 127.0.0.1:${PORT_MAIN[nginx]};
        location / { proxy_pass http://plain; }
        location /rr/ { proxy_pass http://plain; }
    }
    server {
        listen 127.0.0.1:${PORT_MANY[nginx]};
EOF
		many_locations
		echo "    }"
		echo "}"
	} >"$TMP/nginx/nginx.conf"
}

write_gw_conf() {
	{
		cat <<EOF
# gw peer: one worker (GOMAXPROCS 1), the same proxy settings as the nginx
# peer, plus session_sticky on / (HAProxy's "insert indirect nocache").
worker_processes 1;
error_log $TMP/gw/error.log warn;
pid $TMP/gw/gw.pid;
events { worker_connections 20000; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    upstream app {
        server 127.0.0.1:$PORT_B1;
        server 127.0.0.1:$PORT_B2;
        session_sticky cookie=route mode=insert option=indirect nocache;
        keepalive $UP_KEEPALIVE;
    }
    upstream plain {
        server 127.0.0.1:$PORT_B1;
        server 127.0.0.1:$PORT_B2;
        keepalive $UP_KEEPALIVE;
    }
    upstream learned {
        server 127.0.0.1:$PORT_B1;
        server 127.0.0.1:$PORT_B2;
        sticky learn create=\$upstream_cookie_PHPSESSID lookup=\$cookie_PHPSESSID zone=bench:1m timeout=30m;
        keepalive $UP_KEEPALIVE;
    }
    server {
        listen 127.0.0.1:${PORT_MAIN[gw]};
        location / {
            session_sticky_header upstream=app;
            proxy_pass http://app;
        }
        location /rr/ { proxy_pass http://plain; }
        location /learn/ { proxy_pass http://learned; }
    }
    server {
        listen 127.0.0.1:${PORT_MANY[gw]};
EOF
		many_locations
		echo "    }"
		echo "}"
	} >"$TMP/gw/gw.conf"
}

# HAPROXY_MAXCONN: haproxy wants two descriptors per connection (client and
# server side) and refuses to start if the limit cannot hold maxconn.
HAPROXY_MAXCONN=20000
if (((NOFILE - 64) / 2 < HAPROXY_MAXCONN)); then HAPROXY_MAXCONN=$(((NOFILE - 64) / 2)); fi

write_haproxy_conf() {
	local i
	{
		cat <<EOF
# haproxy peer: one thread, cookie insertion on /, plain round robin on /rr/.
global
    nbthread 1
    maxconn $HAPROXY_MAXCONN
    tune.bufsize 16384

defaults
    mode http
    maxconn $HAPROXY_MAXCONN
    option http-keep-alive
    timeout connect 5s
    timeout client 300s
    timeout server 30s
    timeout http-request 30s
    timeout http-keep-alive 300s

frontend fe_main
    bind 127.0.0.1:${PORT_MAIN[haproxy]}
    use_backend bk_rr if { path_beg /rr/ }
    use_backend bk_learn if { path_beg /learn/ }
    default_backend bk_app

backend bk_app
    balance roundrobin
    cookie SRV insert indirect nocache
    http-reuse always
    server s1 127.0.0.1:$PORT_B1 cookie s1
    server s2 127.0.0.1:$PORT_B2 cookie s2

backend bk_rr
    balance roundrobin
    http-reuse always
    server s1 127.0.0.1:$PORT_B1
    server s2 127.0.0.1:$PORT_B2

# learned persistence: the stick-table form of appsession
backend bk_learn
    balance roundrobin
    http-reuse always
    stick-table type string len 64 size 100k expire 30m
    stick store-response res.cook(PHPSESSID)
    stick match req.cook(PHPSESSID)
    server s1 127.0.0.1:$PORT_B1
    server s2 127.0.0.1:$PORT_B2

# many-locations, emulated: the 50 regexes as path_reg rules tried in order
# (nginx tries every regex after its prefix lookup), then the 1,000 prefixes
# as one map_beg lookup (HAProxy's form for a large prefix table; every
# entry names bk_rr).
frontend fe_many
    bind 127.0.0.1:${PORT_MANY[haproxy]}
EOF
		for ((i = 0; i < MANY_REGEXES; i++)); do
			if ((i % 2 == 0)); then
				printf '    use_backend bk_rr if { path_reg ^/rx%04d/.+\\.php$ }\n' "$i"
			else
				printf '    use_backend bk_rr if { path_reg -i \\.x%02d(gif|jpe?g|png)$ }\n' "$i"
			fi
		done
		echo "    use_backend %[path,map_beg($TMP/haproxy/prefixes.map)]"
	} >"$TMP/haproxy/haproxy.cfg"
	for ((i = 0; i < MANY_PREFIXES; i++)); do
		printf '/l%04d/ bk_rr\n' "$i"
	done >"$TMP/haproxy/prefixes.map"
}

write_configs() {
	write_backend_conf
	write_nginx_conf
	write_gw_conf
	write_haproxy_conf
}
