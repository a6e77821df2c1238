"""Every casework page, rendered in Chinese: no control or heading says another page's title, and
no English is left untranslated (the bug: "个案与转介" on the send button and as a page title)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose text a user reads as a label of this page (nav links to other pages are not).
LABELS = {"h1", "h2", "h3", "button", "label", "legend", "th", "option", "summary", "caption", "dt"}
SKIP = {"nav", "header", "footer", "script", "style", "title"}
ENGLISH = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,})+|\b[a-z]{4,}\b")
ALLOWED_ENGLISH = {"E-mail"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{4,}")


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.title = ""
        self.labels: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self.stack.append(tag)
        for name, value in attrs:
            if name in {"aria-label", "placeholder", "title"} and value and not self._skipped():
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def _skipped(self) -> bool:
        return any(t in SKIP for t in self.stack)

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text:
            return
        if self.stack and self.stack[-1] == "title":
            self.title += text
            return
        if self._skipped():
            return
        self.texts.append(text)
        if any(t in LABELS for t in self.stack):
            self.labels.append(text.rstrip("：:*").strip())


def _parse(html: str) -> _Texts:
    parser = _Texts()
    parser.feed(html)
    parser.title = parser.title.split("·")[0].strip()
    return parser


def _pages(world) -> list[tuple[str, str]]:
    s = world.supervisee
    return [
        ("officer", "/casework/caseload/"),
        ("officer", f"/casework/supervisees/{s.uuid}/"),
        ("officer", f"/casework/supervisees/{s.uuid}/edit/"),
        ("officer", "/casework/supervisees/new/"),
        ("officer", f"/casework/supervisees/{s.uuid}/team/add/"),
        ("officer", f"/casework/supervisees/{s.uuid}/needs/new/"),
        ("officer", f"/casework/needs/{world.need.pk}/refer/"),
        ("officer", f"/casework/referrals/{world.referrals['sent'].uuid}/"),
        ("officer", "/casework/overdue/"),
        ("officer", "/notifications/"),
        ("provider", "/casework/inbox/"),
        ("provider", f"/casework/referrals/{world.referrals['accepted'].uuid}/"),
        ("bureau", "/casework/access-log/"),
        ("bureau", "/casework/matching/"),
    ]


def test_casework_pages_in_chinese(client, world):
    """One rendering of every page (setting up the world is slow), three checks."""
    rendered = {}
    for who, url in _pages(world):
        client.force_login(world.users[who])
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = _parse(response.content.decode())
    problems = _other_titles(rendered) + _same_titles(rendered) + _english(rendered, world)
    assert not problems, "\n".join(problems[:60])


def _other_titles(rendered) -> list[str]:
    """No control or heading says another page's title."""
    titles = {url: page.title for url, page in rendered.items()}
    problems = set()
    for url, page in rendered.items():
        for label in page.labels:
            for other, title in titles.items():
                # A page may name the pages under it (the record's "add a team member" form).
                if title != page.title and label == title and not other.startswith(url):
                    problems.add(f"{url}: “{label}” is the title of {other}")
    return sorted(problems)


def _same_titles(rendered) -> list[str]:
    """Two different pages do not share a title."""
    seen: dict[str, str] = {}
    problems = []
    for url, page in rendered.items():
        if not page.title:
            problems.append(f"{url}: no title")
        elif page.title in seen and seen[page.title].split("/")[2] != url.split("/")[2]:
            problems.append(f"{url} and {seen[page.title]} are both titled “{page.title}”")
        seen.setdefault(page.title, url)
    return problems


def _english(rendered, world) -> list[str]:
    """No English is left untranslated."""
    known_latin = {user.username for user in world.users.values()}
    problems = set()
    for url, page in rendered.items():
        for text in page.texts:
            for match in ENGLISH.findall(UUID.sub("", text)):
                if match in ALLOWED_ENGLISH or match in known_latin or "@" in text or "://" in text:
                    continue
                problems.add(f"{url}: untranslated {text!r}")
    return sorted(problems)


def test_the_referral_form_labels_consent_truthfully(client, world):
    client.force_login(world.users["officer"])
    html = client.get(f"/casework/needs/{world.need.pk}/refer/").content.decode()
    options = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    offered = [o for o in options if world.offering.name in o]
    assert offered and all("已登记同意" in o for o in offered), offered
    assert not any(o.endswith("; 同意)") for o in options), options
    assert "尚未登记同意" in html or len(offered) == len([o for o in options if "名额" in o])
