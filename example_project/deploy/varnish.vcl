vcl 4.1;
#
# Varnish in front of the example site, as a municipality would run it (Debian's `varnish`):
#
#     varnishd -F -a 127.0.0.1:6081 -f $PWD/example_project/deploy/varnish.vcl -s malloc,256m
#
# with the site's production settings told where it is (FRONTEND_CACHE_URL=http://127.0.0.1:6081),
# so that wagtail.contrib.frontend_cache sends it a PURGE for every page a registration or a
# publish changes. What it does, in order:
#
# - X-Forwarded-For reaches the app as the TLS proxy in front sent it (Varnish's own hop is
#   taken off), so the visitor's address, not the proxy's, counts for the rate limits.
# - PURGE from the addresses in the `purgers` ACL removes every copy of that path on that host,
#   whatever its query string and language (a ban on the path: `?page=2`, `?utm_source=…`);
#   from anywhere else it is refused with 405.
# - Anything but GET and HEAD, the admin (/admin/, /django-admin/), requests with an
#   Authorization header and requests of logged-in users (a `sessionid` cookie) go straight to
#   the site, never cached.
# - Cookies other than Django's (sessionid, csrftoken, django_language) are stripped: analytics
#   and consent banners (_ga, _gid, _fbp, _pk_*, _hj*, …) must not split the cache. So are tracking
#   parameters of the query string (utm_*, gclid, fbclid, mc_cid, mc_eid).
# - An answer is kept only when the site says it may be shared: `Cache-Control` with `public` or
#   `s-maxage`, no `private`/`no-store`/`no-cache`, and no Set-Cookie. Its lifetime is the
#   s-maxage the site sent (Varnish reads s-maxage before max-age), which wagtail_webinars bounds
#   by the page's next change of the clock (registration opens or closes, the session starts or
#   ends). No grace: a copy is never served after that moment. Pages of the host that send no
#   Cache-Control are not kept at all.
# - A shared answer is the same for every visitor, so `Vary: Cookie` (which Django adds when the
#   session was looked at) is dropped from it; the `django_language` cookie, which does change
#   the page, is part of the cache key instead. `Vary: Accept-Language` stays.
# - `X-Cache: HIT` or `MISS` on every answer, to see what happened.
#
# The backends: one gunicorn on 127.0.0.1:8000 below. For several app processes, write this file
# with example_project/deploy/varnish_vcl.py, which puts a round-robin director over them in the
# BACKENDS block:  python example_project/deploy/varnish_vcl.py 127.0.0.1:8001 127.0.0.1:8002

# BEGIN BACKENDS
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}
# END BACKENDS

# Who may PURGE: the app servers. Add their addresses when they run on other machines.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Varnish sits behind the TLS-terminating proxy, which names the visitor in
    # X-Forwarded-For, and has appended that proxy's address to it. Take it off again, so the app
    # reads the header as the proxy sent it: wagtail_webinars takes its last address as the
    # visitor's (rate limits). Delete this if Varnish itself faces the internet.
    if (req.restarts == 0 && req.http.X-Forwarded-For ~ ",") {
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, "\s*,\s*[^,]*$", "");
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE not allowed from this address"));
        }
        # Every copy of the path on this host: any query string, any language variant.
        ban("obj.http.x-ww-host == " + req.http.host +
            " && obj.http.x-ww-path == " + regsub(req.url, "\?.*$", ""));
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|django-admin)(/|$)" || req.http.Authorization) {
        return (pass);
    }

    # Tracking parameters never change a page.
    if (req.url ~ "[?&](utm_[a-z]+|gclid|fbclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|gclid|fbclid|mc_cid|mc_eid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    # Keep only Django's own cookies.
    if (req.http.Cookie) {
        set req.http.Cookie = ";" + req.http.Cookie;
        set req.http.Cookie = regsuball(req.http.Cookie, "; +", ";");
        set req.http.Cookie = regsuball(req.http.Cookie, ";(sessionid|csrftoken|django_language)=", "; \1=");
        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");
        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    # Logged in (an editor): the site answers private, no-store anyway; do not even look.
    if (req.http.Cookie ~ "(^|; )sessionid=") {
        return (pass);
    }
    # A csrftoken cookie stays on the request (a host's own form page needs it), but does not
    # keep the visitor from the shared copies.
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    if (req.http.Cookie ~ "(^|; )django_language=") {
        hash_data(regsub(req.http.Cookie, "^(.*; )?django_language=([^;]*).*$", "\2"));
    }
    return (lookup);
}

sub vcl_backend_response {
    # For the PURGE ban above (checked by the ban lurker, off the request path).
    set beresp.http.x-ww-host = bereq.http.host;
    set beresp.http.x-ww-path = regsub(bereq.url, "\?.*$", "");
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || !beresp.http.Cache-Control
        || beresp.http.Cache-Control !~ "(public|s-maxage)"
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        # Not shareable: remember that for a while, so requests for it are not queued.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 0s;
    if (beresp.http.Vary) {
        set beresp.http.Vary = regsuball(beresp.http.Vary, "(?i)(^|,)\s*cookie\s*(?=,|$)", "");
        set beresp.http.Vary = regsub(beresp.http.Vary, "^\s*,\s*", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.x-ww-host;
    unset resp.http.x-ww-path;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
