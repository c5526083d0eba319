"""Feeds in the shapes that podcast hosts publish, written for the import
tests (none copied from a real show): each host's habits in GUIDs,
durations, dates, enclosure URLs and notes. BASE is where the test server
serves the covers and audio."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

NSDECL = ('xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:atom="http://www.w3.org/2005/Atom" '
          'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
          'xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def channel(base: str, title: str, items: str, extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {NSDECL}>
<channel>
  <title>{title}</title>
  <link>https://old.example.org/{title.lower().replace(' ', '-')}</link>
  <atom:link href="https://old.example.org/feed.rss" rel="self" type="application/rss+xml"/>
  <description><![CDATA[<p>A show about <b>things</b>, made for tests.</p>]]></description>
  <language>en-us</language>
  <copyright>2024 Test Makers</copyright>
  <itunes:author>Test Makers</itunes:author>
  <itunes:owner><itunes:name>Owner Name</itunes:name><itunes:email>owner@old.example.org</itunes:email></itunes:owner>
  <itunes:image href="{base}/cover.jpg"/>
  <itunes:category text="Technology"/>
  <itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
  <itunes:explicit>false</itunes:explicit>
  {extra}
  {items}
</channel>
</rss>""".encode()


def rfc822(moment: dt.datetime) -> str:
    return format_datetime(moment)


START = dt.datetime(2021, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def libsyn(base: str) -> bytes:
    """GUIDs in CDATA with spaces around, HH:MM:SS durations, notes in content:encoded."""
    items = []
    for i in range(1, 6):
        when = START + dt.timedelta(days=7 * i, hours=i)
        items.append(f"""<item>
  <title>Episode {i}: The Libsyn Way</title>
  <pubDate>{rfc822(when)}</pubDate>
  <guid isPermaLink="false"><![CDATA[ 5f2c9a0{i}-1b2c-4d5e-8f90-a1b2c3d4e5f6 ]]></guid>
  <link><![CDATA[https://old.example.org/episode-{i}]]></link>
  <itunes:image href="{base}/cover.jpg"/>
  <description><![CDATA[<p>Notes for {i} with a <a href="https://example.org/{i}">link</a>.</p><script>alert(1)</script>]]></description>
  <content:encoded><![CDATA[<p>Full notes for {i}.</p><ul><li>one</li><li>two</li></ul><img src=x onerror=alert(1)>]]></content:encoded>
  <enclosure length="{1000000 + i}" type="audio/mpeg" url="https://traffic.libsyn.example/secure/show/ep{i}.mp3?dest-id=123"/>
  <itunes:duration>00:4{i}:1{i}</itunes:duration>
  <itunes:explicit>no</itunes:explicit>
  <itunes:episode>{i}</itunes:episode>
  <itunes:season>2</itunes:season>
  <itunes:episodeType>full</itunes:episodeType>
</item>""")
    return channel(base, "Libsyn Style", "\n".join(items))


def anchor(base: str) -> bytes:
    """UUID GUIDs, dc:creator, percent-encoded redirect URLs inside the enclosure, -0500 dates."""
    zone = dt.timezone(dt.timedelta(hours=-5))
    items = []
    for i in range(1, 6):
        when = (START + dt.timedelta(days=3 * i)).astimezone(zone)
        items.append(f"""<item>
  <title><![CDATA[Anchor Ep {i} — “Quotes” & Ampersands]]></title>
  <description><![CDATA[<p>Episode {i} description</p><p>---</p><p>Support this podcast</p>]]></description>
  <link>https://podcasters.example.com/show/episodes/ep{i}-e2abc{i}</link>
  <guid isPermaLink="false">0f1e2d3c-4b5a-6978-8{i}a9-b8c7d6e5f4a3</guid>
  <dc:creator><![CDATA[Test Makers]]></dc:creator>
  <pubDate>{rfc822(when)}</pubDate>
  <enclosure url="https://anchor.example/s/abc123/podcast/play/{9000 + i}/https%3A%2F%2Fd3ctxlq1ktw2nl.cloudfront.example%2Fstaging%2F2021-2-{i}%2Fep{i}.mp3" length="{2000000 + i}" type="audio/mpeg"/>
  <itunes:summary>&lt;p&gt;Episode {i} description&lt;/p&gt;</itunes:summary>
  <itunes:explicit>No</itunes:explicit>
  <itunes:duration>01:0{i}:03</itunes:duration>
  <itunes:image href="{base}/cover.jpg"/>
  <itunes:episodeType>full</itunes:episodeType>
</item>""")
    return channel(base, "Anchor Style", "\n".join(items))


def buzzsprout(base: str) -> bytes:
    """'Buzzsprout-N' GUIDs, durations in seconds, chapters and transcripts, funding, a trailer."""
    items = []
    for i in range(1, 6):
        when = START + dt.timedelta(days=14 * i)
        kind = "trailer" if i == 1 else "full"
        items.append(f"""<item>
  <itunes:title>Buzz {i}</itunes:title>
  <title>Buzz {i}</title>
  <description><![CDATA[<p>Buzz notes {i}</p>]]></description>
  <content:encoded><![CDATA[<p>Buzz notes {i}</p>]]></content:encoded>
  <itunes:author>Test Makers</itunes:author>
  <enclosure url="https://www.buzzsprout.example/1234/{5550000 + i}-buzz-{i}.mp3" length="{3000000 + i}" type="audio/mpeg" />
  <guid isPermaLink="false">Buzzsprout-{5550000 + i}</guid>
  <pubDate>{rfc822(when)}</pubDate>
  <podcast:transcript url="https://www.buzzsprout.example/1234/{5550000 + i}/transcript" type="text/html" />
  <podcast:transcript url="https://www.buzzsprout.example/1234/{5550000 + i}/transcript.srt" type="application/x-subrip" rel="captions" />
  <podcast:chapters url="https://www.buzzsprout.example/1234/{5550000 + i}/chapters.json" type="application/json+chapters" />
  <itunes:duration>{2700 + i}</itunes:duration>
  <itunes:episodeType>{kind}</itunes:episodeType>
  <itunes:season>1</itunes:season>
  <itunes:episode>{i}</itunes:episode>
  <podcast:season>1</podcast:season>
  <podcast:episode>{i}</podcast:episode>
  <itunes:explicit>false</itunes:explicit>
</item>""")
    extra = ('<podcast:funding url="https://www.buzzsprout.example/1234/support">Support the show</podcast:funding>'
             '<podcast:locked owner="owner@old.example.org">yes</podcast:locked>')
    return channel(base, "Buzzsprout Style", "\n".join(items), extra)


def transistor(base: str) -> bytes:
    """podcast:guid for the show, VTT transcripts, seconds durations, itunes:type serial."""
    items = []
    for i in range(1, 6):
        when = START + dt.timedelta(days=i, minutes=17 * i)
        items.append(f"""<item>
  <title>Transistor Chapter {i}</title>
  <itunes:episode>{i}</itunes:episode>
  <podcast:episode>{i}</podcast:episode>
  <itunes:title>Transistor Chapter {i}</itunes:title>
  <itunes:episodeType>full</itunes:episodeType>
  <guid isPermaLink="false">7c{i}d0e5a-2f3b-4c6d-9e8f-0a1b2c3d4e5f</guid>
  <link>https://share.transistor.example/s/{i}abc</link>
  <description>&lt;p&gt;Escaped HTML notes {i} &amp;amp; more.&lt;/p&gt;</description>
  <pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>
  <author>owner@old.example.org (Test Makers)</author>
  <enclosure url="https://media.transistor.example/{i}f3e2d1c/{i}a2b3c4d.mp3" length="{4000000 + i}" type="audio/mpeg"/>
  <itunes:duration>{1800 + i}</itunes:duration>
  <itunes:explicit>No</itunes:explicit>
  <podcast:transcript url="https://share.transistor.example/s/{i}abc/transcript.vtt" type="text/vtt" language="en"/>
</item>""")
    extra = ('<itunes:type>serial</itunes:type>'
             '<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>'
             '<podcast:person role="host" img="https://img.transistor.example/host.jpg">Hosta Person</podcast:person>'
             '<podcast:person role="Chief Vibes Officer">Not A Role</podcast:person>')
    return channel(base, "Transistor Style", "\n".join(items), extra)


def podbean(base: str) -> bytes:
    """Permalink URL GUIDs, audio/x-m4a, MM:SS durations, 'Sat, 1 May' single-digit days."""
    items = []
    for i in range(1, 6):
        when = START + dt.timedelta(days=30 * i)
        items.append(f"""<item>
  <title>Podbean {i}</title>
  <itunes:title>Podbean {i}</itunes:title>
  <link>https://testshow.podbean.example/e/podbean-{i}/</link>
  <comments>https://testshow.podbean.example/e/podbean-{i}/#comments</comments>
  <pubDate>{when.strftime('%a, %-d %b %Y %H:%M:%S -0000')}</pubDate>
  <guid isPermaLink="true">https://testshow.podbean.example/e/podbean-{i}/</guid>
  <description><![CDATA[<p>Podbean notes {i}</p>]]></description>
  <enclosure url="https://mcdn.podbean.example/mf/web/abc{i}/podbean-{i}.m4a" length="{5000000 + i}" type="audio/x-m4a"/>
  <itunes:summary><![CDATA[Podbean notes {i}]]></itunes:summary>
  <itunes:author>Test Makers</itunes:author>
  <itunes:explicit>false</itunes:explicit>
  <itunes:block>No</itunes:block>
  <itunes:duration>{40 + i}:0{i}</itunes:duration>
  <itunes:image href="{base}/cover.jpg" />
</item>""")
    return channel(base, "Podbean Style", "\n".join(items))


def odd_guids(base: str) -> bytes:
    """GUIDs that are numbers, URLs, padded with whitespace and newlines, or missing."""
    guids = ["12345", "  padded-guid  ", "\n      multi-line-guid\n    ", "https://old.example.org/?p=42",
             "tag:old.example.org,2021:ep/5", None, "0", "a&amp;b &lt;c&gt;"]
    items = []
    for i, guid in enumerate(guids, 1):
        when = START + dt.timedelta(days=i)
        guid_el = "" if guid is None else f"<guid>{guid}</guid>"
        items.append(f"""<item>
  <title>Odd {i}</title>
  {guid_el}
  <pubDate>{rfc822(when)}</pubDate>
  <enclosure url="https://odd.example.org/audio/odd%20{i}.mp3" length="{6000000 + i}" type="audio/mp3"/>
  <itunes:duration>{600 + i}</itunes:duration>
</item>""")
    return channel(base, "Odd GUIDs", "\n".join(items))


def thousand(base: str, n: int = 1000) -> bytes:
    items = []
    for i in range(1, n + 1):
        when = START + dt.timedelta(hours=13 * i)
        items.append(f"<item><title>Daily {i}</title><guid isPermaLink=\"false\">daily-{i}</guid>"
                     f"<pubDate>{rfc822(when)}</pubDate>"
                     f"<enclosure url=\"https://cdn.example.org/daily/{i}.mp3\" length=\"{100000 + i}\" "
                     f"type=\"audio/mpeg\"/><itunes:duration>{300 + i % 60}</itunes:duration>"
                     f"<description>Day {i}.</description></item>")
    return channel(base, "A Thousand Days", "\n".join(items))


HOSTS = {"libsyn": libsyn, "anchor": anchor, "buzzsprout": buzzsprout, "transistor": transistor,
         "podbean": podbean, "odd": odd_guids}
