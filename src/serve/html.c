/* HTML escaping, the page frame and inline SVG charts of crashsig serve
 * (see html.h). */
#include "html.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "tool/json.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void h_esc(FILE *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0; /* s[i - run, i) is copied as it is */
	while (i < n) {
		unsigned char c = s[i];
		const char *rep = NULL;
		size_t k = 1;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t':
		case '\n':
		case '\r': break;
		default:
			if (c < 0x20 || c == 0x7f) {
				rep = REPLACEMENT;
			} else if (c >= 0x80) {
				k = tool_utf8_len(s + i, n - i);
				if (!k) {
					rep = REPLACEMENT;
					k = 1;
				} else if (k == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
					rep = REPLACEMENT; /* C1 control U+0080..U+009F */
				}
			}
		}
		if (rep) {
			if (run)
				fwrite(s + i - run, 1, run, o);
			run = 0;
			fputs(rep, o);
			i += k;
		} else {
			run += k;
			i += k;
		}
	}
	if (run)
		fwrite(s + i - run, 1, run, o);
}

void h_str(FILE *o, const char *s)
{
	if (s)
		h_esc(o, s, strlen(s));
}

void h_url(FILE *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			fputc(c, o);
		} else {
			fputc('%', o);
			fputc(hex[c >> 4], o);
			fputc(hex[c & 15], o);
		}
	}
}

static void fmt_time(char *buf, size_t len, int64_t t, const char *fmt)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, fmt, &tm);
}

void h_time(FILE *o, int64_t t)
{
	char buf[64];
	fmt_time(buf, sizeof(buf), t, "%Y-%m-%d %H:%M");
	fputs(buf, o);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fff}"
	"header{background:#23395d;padding:.5em 1em}"
	"header a{color:#fff;margin-right:1.5em;text-decoration:none}"
	"header a.on{font-weight:bold;text-decoration:underline}"
	"main{padding:1em}"
	"h1{font-size:1.3em;margin:.3em 0 .6em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
	"table{border-collapse:collapse;margin:.3em 0}"
	"th,td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
	"th{background:#f2f4f8;white-space:nowrap}th a{color:#222}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.t{white-space:nowrap}"
	"tr:hover td{background:#f8f9fc}"
	"pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px;"
	"border:1px solid #ddd;white-space:pre;max-height:40em;overflow-y:auto}"
	"form.f{margin:.3em 0 .8em}form.f input,form.f select{margin-right:.6em}"
	".status-open{color:#b00}.status-fixed{color:#070}.status-invalid,.status-dup{color:#777}"
	".muted{color:#777}.bad{color:#b00}"
	"svg{vertical-align:middle}svg.spark rect{fill:#4a78c2}svg.bars rect.b{fill:#4a78c2}"
	"dl.kv{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}"
	"dl.kv dt{font-weight:bold}dl.kv dd{margin:0}"
	"ul.legend{list-style:none;padding:0;margin:.3em 0}"
	"ul.legend li{display:inline-block;margin-right:1em}"
	"ul.legend span{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
	"vertical-align:-.1em}"
	"footer{color:#777;font-size:12px;padding:1em;border-top:1px solid #ddd}";

void h_head(FILE *o, const char *title, const char *active)
{
	static const struct {
		const char *id, *href, *label;
	} nav[] = {{"bugs", "/", "Bugs"},
		   {"top", "/top", "Top crashers"},
		   {"machines", "/machines", "Machines"},
		   {"stats", "/stats", "Crashes per day"}};
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\"><title>",
	      o);
	h_str(o, title);
	fputs(" - crashsig</title><style>", o);
	fputs(style, o);
	fputs("</style></head>\n<body><header><nav>", o);
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		fprintf(o, "<a href=\"%s\"%s>%s</a>", nav[i].href,
			active && !strcmp(active, nav[i].id) ? " class=\"on\"" : "", nav[i].label);
	fputs("</nav></header>\n<main>\n", o);
}

void h_foot(FILE *o, const char *footer)
{
	fputs("</main>\n<footer>", o);
	h_str(o, footer);
	fputs("</footer></body></html>\n", o);
}

/* ---------------- charts ---------------- */

static void bucket_label(char *buf, size_t len, int64_t t, int64_t step)
{
	fmt_time(buf, len, t, step >= 86400 ? "%Y-%m-%d" : "%Y-%m-%d %H:00");
}

static int64_t vmax(const int64_t *v, size_t n)
{
	int64_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

void h_spark(FILE *o, const int64_t *v, size_t n, int64_t t0, int64_t step, int w, int h)
{
	int64_t m = vmax(v, n);
	fprintf(o, "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		w, h, w, h);
	/* a base line, and a bar (with its tooltip) for each bucket that has
	 * something: a list of many bugs stays small */
	fprintf(o, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>", h - 1, w, h - 1);
	double bw = n ? (double)w / (double)n : 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] <= 0)
			continue;
		char lab[32];
		bucket_label(lab, sizeof(lab), t0 + (int64_t)i * step, step);
		double bh = m ? (double)v[i] * (h - 1) / (double)m : 0;
		if (bh < 1)
			bh = 1;
		fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %lld</title></rect>",
			i * bw, h - bh, bw > 1.5 ? bw - 1 : bw, bh, lab, (long long)v[i]);
	}
	fputs("</svg>", o);
}

void h_bars(FILE *o, const int64_t *v, size_t n, int64_t t0, int64_t step, int w, int h,
	    const char *what)
{
	int64_t m = vmax(v, n);
	const int left = 40, bottom = 18, top = 6;
	int ph = h - bottom - top, pw = w - left - 4;
	fprintf(o, "<svg class=\"bars\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		w, h, w, h);
	fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left,
		top + ph, left + pw, top + ph);
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%lld</text>",
		left - 4, top + 8, (long long)m);
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">0</text>", left - 4,
		top + ph);
	double bw = n ? (double)pw / (double)n : 0;
	for (size_t i = 0; i < n; i++) {
		char lab[32];
		bucket_label(lab, sizeof(lab), t0 + (int64_t)i * step, step);
		double bh = m ? (double)v[i] * ph / (double)m : 0;
		if (v[i] && bh < 1)
			bh = 1;
		fprintf(o, "<rect class=\"b\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %lld ",
			left + i * bw, top + ph - bh, bw > 2 ? bw - 1 : bw, bh, lab, (long long)v[i]);
		h_str(o, what);
		fputs("</title></rect>", o);
	}
	if (n) {
		char a[32], b[32];
		bucket_label(a, sizeof(a), t0, step);
		bucket_label(b, sizeof(b), t0 + (int64_t)(n - 1) * step, step);
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", left, h - 4, a);
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>",
			left + pw, h - 4, b);
	}
	fputs("</svg>", o);
}

const char *h_color(size_t s)
{
	static const char *const pal[] = {"#4a78c2", "#e07b39", "#3a9d5d", "#c44e52",
					  "#8172b2", "#937860", "#da8bc3", "#8c8c8c",
					  "#ccb974", "#64b5cd"};
	return pal[s % (sizeof(pal) / sizeof(pal[0]))];
}

void h_stacked(FILE *o, const int64_t *v, size_t k, size_t n, const char *const *names,
	       const double *rate, const char *rate_name, int64_t t0, int64_t step, int w,
	       int h)
{
	int64_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t t = 0;
		for (size_t s = 0; s < k; s++)
			t += v[s * n + i];
		if (t > m)
			m = t;
	}
	const int left = 40, right = 40, bottom = 18, top = 6;
	int ph = h - bottom - top, pw = w - left - right;
	fprintf(o, "<svg class=\"stacked\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		w, h, w, h);
	fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left,
		top + ph, left + pw, top + ph);
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%lld</text>",
		left - 4, top + 8, (long long)m);
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">0</text>", left - 4,
		top + ph);
	if (rate) {
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">100%%</text>", left + pw + 4,
			top + 8);
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">0%%</text>", left + pw + 4,
			top + ph);
	}
	double bw = n ? (double)pw / (double)n : 0;
	for (size_t i = 0; i < n; i++) {
		char lab[32];
		bucket_label(lab, sizeof(lab), t0 + (int64_t)i * step, step);
		double y = top + ph;
		for (size_t s = 0; s < k; s++) {
			int64_t c = v[s * n + i];
			if (!c)
				continue;
			double bh = m ? (double)c * ph / (double)m : 0;
			y -= bh;
			fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %lld ",
				left + i * bw, y, bw > 2 ? bw - 1 : bw, bh, h_color(s), lab,
				(long long)c);
			h_str(o, names[s]);
			fputs("</title></rect>", o);
		}
	}
	if (rate) {
		fputs("<polyline fill=\"none\" stroke=\"#c00\" stroke-width=\"1.5\" points=\"", o);
		for (size_t i = 0; i < n; i++)
			if (rate[i] >= 0 && !isnan(rate[i]))
				fprintf(o, "%.1f,%.1f ", left + (i + 0.5) * bw,
					top + ph - rate[i] * ph);
		fputs("\"/>", o);
		for (size_t i = 0; i < n; i++) {
			if (!(rate[i] >= 0))
				continue;
			char lab[32];
			bucket_label(lab, sizeof(lab), t0 + (int64_t)i * step, step);
			fprintf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#c00\"><title>%s: %.1f%% ",
				left + (i + 0.5) * bw, top + ph - rate[i] * ph, lab, rate[i] * 100);
			h_str(o, rate_name);
			fputs("</title></circle>", o);
		}
	}
	if (n) {
		char a[32], b[32];
		bucket_label(a, sizeof(a), t0, step);
		bucket_label(b, sizeof(b), t0 + (int64_t)(n - 1) * step, step);
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", left, h - 4, a);
		fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>",
			left + pw, h - 4, b);
	}
	fputs("</svg>\n<ul class=\"legend\">", o);
	for (size_t s = 0; s < k; s++) {
		fprintf(o, "<li><span style=\"background:%s\"></span>", h_color(s));
		h_str(o, names[s]);
		fputs("</li>", o);
	}
	if (rate) {
		fputs("<li><span style=\"background:#c00;height:.2em;vertical-align:.2em\"></span>", o);
		h_str(o, rate_name);
		fputs("</li>", o);
	}
	fputs("</ul>\n", o);
}
