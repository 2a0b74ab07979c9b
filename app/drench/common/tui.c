/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ncursesw draws and refreshes only what changed, knows every terminal from
 * terminfo and restores it on exit; hand-written escape codes would do none
 * of that. Colours say health at a glance: green ok, yellow doubtful, red bad.
 */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { C_OK = 1, C_WARN, C_BAD, C_DIM, C_TITLE };

struct history {
	double v[TUI_HISTORY];
	size_t n, next;
};

struct tui {
	SCREEN *screen;
	struct history p50, p99, p999, rps;
};

struct tui *tui_open(void)
{
	struct tui *t;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		errno = ENOTTY;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	setlocale(LC_ALL, ""); /* the sparkline blocks are UTF-8 */
	t->screen = newterm(NULL, stdout, stdin);
	if (t->screen == NULL) {
		free(t);
		errno = ENOTTY;
		return NULL;
	}
	noecho();
	cbreak();
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(C_OK, COLOR_GREEN, -1);
		init_pair(C_WARN, COLOR_YELLOW, -1);
		init_pair(C_BAD, COLOR_RED, -1);
		init_pair(C_DIM, COLOR_CYAN, -1);
		init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
	}
	return t;
}

void tui_close(struct tui *t)
{
	if (t == NULL)
		return;
	endwin();
	delscreen(t->screen);
	free(t);
}

static void push(struct history *h, double v)
{
	h->v[h->next] = v;
	h->next = (h->next + 1) % TUI_HISTORY;
	if (h->n < TUI_HISTORY)
		h->n++;
}

static double at(const struct history *h, size_t i) /* 0 = oldest */
{
	return h->v[(h->next + TUI_HISTORY - h->n + i) % TUI_HISTORY];
}

static void duration(char *buf, size_t len, double s)
{
	if (!(s >= 0))
		snprintf(buf, len, "?");
	else if (s < 3600)
		snprintf(buf, len, "%d:%02d", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02d", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void bar(int y, int x, int width, double frac)
{
	int full = (int)(fmin(1, fmax(0, frac)) * width);

	mvaddch(y, x, '[');
	attron(COLOR_PAIR(C_OK));
	for (int i = 0; i < width; i++)
		addch(i < full ? '#' : ' ');
	attroff(COLOR_PAIR(C_OK));
	addch(']');
}

static int phase_panel(int y, const struct tui_frame *f)
{
	char el[32], left[32];
	int w = COLS > 40 ? COLS - 40 : 10;

	if (f->phase != NULL) {
		mvprintw(y, 0, "phase %u/%u ", f->phase_index + 1, f->n_phases);
		attron(A_BOLD);
		printw("%s", f->phase);
		attroff(A_BOLD);
		duration(el, sizeof(el), f->phase_elapsed_s);
		duration(left, sizeof(left), f->phase_length_s - f->phase_elapsed_s);
		if (f->phase_length_s > 0)
			printw("  %s, %s left in the phase", el, left);
		y++;
	}
	duration(el, sizeof(el), f->run_elapsed_s);
	duration(left, sizeof(left), f->run_length_s - f->run_elapsed_s);
	mvprintw(y, 0, "run ");
	if (f->run_length_s > 0) {
		bar(y, 4, w, f->run_elapsed_s / f->run_length_s);
		printw(" %s, %s left", el, left);
	} else {
		printw("%s elapsed", el);
	}
	return y + 2;
}

/* ▁▂▃▄▅▆▇█ scaled to the history's largest value */
static void sparkline(int y, int x, int width, const struct history *h)
{
	static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					     "\u2585", "\u2586", "\u2587", "\u2588"};
	size_t from = h->n > (size_t)width ? h->n - (size_t)width : 0;
	double top = 0;

	for (size_t i = from; i < h->n; i++)
		top = isfinite(at(h, i)) ? fmax(top, at(h, i)) : top;
	move(y, x);
	for (size_t i = from; i < h->n; i++) {
		double v = at(h, i);
		int k = top > 0 && isfinite(v) ? (int)lround(v / top * 7) : -1;
		addstr(k < 0 ? " " : blocks[k]);
	}
}

static void latency_row(int y, const char *name, double v, const struct history *h)
{
	mvprintw(y, 2, "%-6s", name);
	if (isfinite(v))
		printw("%9.0f us ", v);
	else
		printw("%9s    ", "-");
	sparkline(y, 22, COLS - 24 > TUI_HISTORY ? TUI_HISTORY : COLS - 24, h);
}

static int health_attr(bool bad, bool warn)
{
	return COLOR_PAIR(bad ? C_BAD : warn ? C_WARN : C_OK);
}

/* Each worker's busy share: near 100 % the generator, not the server, may
 * be what holds the load back. As many as fit the width. */
static int busy_panel(int y, const struct tui_load *l)
{
	if (l->n_workers == 0)
		return y + 1;
	mvprintw(y, 0, "workers busy");
	for (uint16_t i = 0; i < l->n_workers && getcurx(stdscr) + 12 < COLS; i++) {
		double b = l->busy_share[i];

		printw("  w%u ", i);
		attron(health_attr(false, b > TUI_BUSY_WARN));
		if (isfinite(b))
			printw("%3.0f%%", 100 * b);
		else
			printw("   -");
		attroff(health_attr(false, b > TUI_BUSY_WARN));
	}
	return y + 2;
}

static int load_panels(struct tui *t, int y, const struct tui_load *l)
{
	static const char *const kinds[] = {"connect", "timeout", "reset", "parse", "validation"};
	bool short_of = l->asked_rps > 0 && l->rps < 0.95 * l->asked_rps;

	mvprintw(y, 0, "responses/s ");
	attron(health_attr(false, short_of) | A_BOLD);
	printw("%.0f", l->rps);
	attroff(health_attr(false, short_of) | A_BOLD);
	if (l->asked_rps > 0)
		printw(" of %.0f requested (%.0f%%)", l->asked_rps, 100 * l->rps / l->asked_rps);
	else
		printw(" (closed loop)");
	sparkline(y, 50, COLS - 52 > TUI_HISTORY ? TUI_HISTORY : COLS - 52, &t->rps);
	y += 2;
	mvprintw(y++, 0, "latency (last second)");
	latency_row(y++, "p50", l->p50_us, &t->p50);
	latency_row(y++, "p99", l->p99_us, &t->p99);
	latency_row(y++, "p99.9", l->p999_us, &t->p999);
	y++;
	mvprintw(y++, 0, "errors");
	move(y, 2);
	for (int k = 0; k < 5; k++) {
		attron(health_attr(l->errors[k] > 0, false));
		printw("%s %llu (%.0f/s)  ", kinds[k], (unsigned long long)l->errors[k],
		       l->errors_per_s[k]);
		attroff(health_attr(l->errors[k] > 0, false));
	}
	y += 2;
	mvprintw(y++, 0, "connections open %u, opened %.0f/s", l->open_conns, l->opened_per_s);
	mvprintw(y, 0, "retransmissions ");
	attron(health_attr(false, l->retrans_per_s > 0));
	printw("%.0f/s (%llu in all)", l->retrans_per_s, (unsigned long long)l->retrans_total);
	attroff(health_attr(false, l->retrans_per_s > 0));
	return busy_panel(y + 1, l);
}

static int verdict_attr(const char *line)
{
	if (strstr(line, " leak ") != NULL)
		return COLOR_PAIR(C_BAD) | A_BOLD;
	if (strstr(line, " suspect ") != NULL)
		return COLOR_PAIR(C_WARN);
	if (strstr(line, " ok ") != NULL)
		return COLOR_PAIR(C_OK);
	return COLOR_PAIR(C_DIM);
}

static int targets_panel(int y, const struct tui_frame *f)
{
	mvprintw(y++, 0, "memory of the targets (verdict, lead metric, slope)");
	for (size_t i = 0; i < f->n_targets; i++) {
		const char *line = f->targets[i] ? f->targets[i] : "(no sample yet)";
		int a = verdict_attr(line);

		attron(a);
		mvaddnstr(y++, 2, line, COLS > 3 ? COLS - 3 : 1);
		attroff(a);
	}
	return y + 1;
}

void tui_draw(struct tui *t, const struct tui_frame *f)
{
	int y = 2;

	if (t == NULL)
		return;
	if (f->load != NULL) {
		push(&t->rps, f->load->rps);
		push(&t->p50, f->load->p50_us);
		push(&t->p99, f->load->p99_us);
		push(&t->p999, f->load->p999_us);
	}
	/* a full repaint once a second: lines others wrote to the terminal (EAL
	 * logs, the collector's log) are wiped instead of staying behind */
	clearok(curscr, TRUE);
	erase();
	attron(COLOR_PAIR(C_TITLE) | A_BOLD);
	mvprintw(0, 0, " %-*.*s", COLS - 1, COLS - 1, f->title);
	attroff(COLOR_PAIR(C_TITLE) | A_BOLD);
	y = phase_panel(y, f);
	if (f->load != NULL)
		y = load_panels(t, y, f->load);
	if (f->n_targets > 0)
		y = targets_panel(y, f);
	mvprintw(LINES - 1, 0, "Ctrl-C stops (a run drains, then writes its report)");
	refresh();
}
