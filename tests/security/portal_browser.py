"""A browser without JavaScript over real HTTP: a cookie jar, raw Set-Cookie headers kept, forms with CSRF."""
import re

import urllib3

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PortalBrowser:
    def __init__(self, base_url, headers=None):
        self.base_url = base_url
        self.headers = dict(headers or {})
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.cookies = {}
        self.set_cookie_headers = []

    def request(self, method, path, fields=None, headers=None, json_body=None):
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if json_body is not None:
            response = self.http.request(method, self.base_url + path, json=json_body, headers=all_headers,
                                         redirect=False)
        elif fields is not None:
            response = self.http.request_encode_body(method, self.base_url + path, fields=fields,
                                                     headers=all_headers, encode_multipart=False, redirect=False)
        else:
            response = self.http.request(method, self.base_url + path, headers=all_headers, redirect=False)
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]
        response.text = response.data.decode(errors="replace")
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf_token(self, path):
        page = self.get(path)
        match = CSRF_FIELD.search(page.text)
        assert match, f"no csrf_token field on {path} ({page.status})"
        return match.group(1)

    def login(self, username, password):
        token = self.csrf_token("/login")
        response = self.request("POST", "/login", {"csrf_token": token, "username": username, "password": password})
        assert response.status == 302, (response.status, response.text[:500])
        return response

    def signed_in(self):
        return self.get("/billing").status == 200
