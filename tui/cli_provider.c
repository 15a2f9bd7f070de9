/* cli_provider.c - service providers (服务商): `bzj provider ...`,
 * `bzj assess ...` (renewal assessments) and `bzj complaint ...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/assess.h"
#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/provider.h"
#include "bzj/refund.h"
#include "cli_priv.h"

/* --NAME as a date; `required` refuses a missing one. */
static int opt_date(args *a, const char *name, bool required, bzj_date *out, bzj_err *e)
{
	char field[40];
	snprintf(field, sizeof field, "--%s", name);
	*out = BZJ_DATE_NONE;
	const char *v = cli_val(a, name);
	if (!v)
		return required ? bzj_fail(e, BZJ_EINPUT, "input.date", _("%s DATE is required"), field)
				: BZJ_OK;
	return bzj_date_parse(v, field, out, e);
}

/* The fields of a provider, inside an object the caller opened. */
static void provider_fields(bzj_json *j, const bzj_provider_view *v, bool public_only)
{
	const bzj_provider *p = &v->p;
	bzj_json_str(j, "id", p->id);
	bzj_json_str(j, "name", p->name);
	bzj_json_str(j, "entity_name", p->entity_name);
	bzj_json_str(j, "kind", bzj_provider_kind_name(p->kind));
	bzj_json_str(j, "status", bzj_provider_status_name(p->status));
	bzj_json_date(j, "certified_on", p->certified_on);
	bzj_json_date(j, "delisted_on", p->delisted_on);
	if (public_only) {
		bzj_json_bool(j, "deposit_paid_in_full", v->shortfall_fen == 0);
		bzj_json_int(j, "upheld_complaints", v->upheld_complaints);
		return;
	}
	bzj_json_date(j, "exited_on", p->exited_on);
	bzj_json_date(j, "cooldown_until", v->cooldown_until);
	bzj_json_date(j, "may_apply_from", v->may_apply_from);
	bzj_json_int(j, "required_fen", v->required_fen);
	bzj_json_int(j, "balance_fen", p->balance_fen);
	bzj_json_int(j, "frozen_fen", p->frozen_fen);
	bzj_json_int(j, "available_fen", v->available_fen);
	bzj_json_int(j, "shortfall_fen", v->shortfall_fen);
	bzj_json_bool(j, "deposit_paid_in_full", v->shortfall_fen == 0);
	bzj_json_int(j, "bound_shops", v->bound_shops);
	bzj_json_int(j, "open_complaints", v->open_complaints);
	bzj_json_int(j, "upheld_complaints", v->upheld_complaints);
	if (v->payee.present) {
		bzj_json_obj(j, "payee");
		bzj_json_str(j, "type", "corporate");
		bzj_json_str(j, "name", v->payee.name);
		bzj_json_str(j, "account", v->payee.account);
		bzj_json_date(j, "since", v->payee.since);
		bzj_json_bool(j, "valid", v->payee.valid);
		bzj_json_obj_end(j);
	} else {
		bzj_json_null(j, "payee");
	}
}

static void provider_json(bzj_json *j, const bzj_provider_view *v, bool public_only)
{
	bzj_json_obj(j, NULL);
	provider_fields(j, v, public_only);
	bzj_json_obj_end(j);
}

static void provider_text(const bzj_provider_view *v)
{
	const bzj_provider *p = &v->p;
	char a[32], b[32], c[32], d[32], d1[16], d2[16], l[64];
#define L(s) cli_col_w(s, 14, l, sizeof l)
	cli_printf("%s  %s  [%s · %s]\n", p->id, p->name, bzj_provider_kind_name(p->kind),
	       bzj_provider_status_name(p->status));
	cli_printf("  %s %s\n", L(_("Entity")), p->entity_name);
	if (p->certified_on != BZJ_DATE_NONE)
		cli_printf("  %s %s\n", L(_("Certified")), cli_day(p->certified_on, d1));
	if (p->delisted_on != BZJ_DATE_NONE)
		cli_printf("  %s %s · %s %s\n", L(_("Delisted")), cli_day(p->delisted_on, d1),
		       _("may apply from"), cli_day(v->may_apply_from, d2));
	if (p->exited_on != BZJ_DATE_NONE)
		cli_printf("  %s %s\n", L(_("Exited")), cli_day(p->exited_on, d1));
	cli_printf("  %s %s\n", L(_("Required")), cli_money(v->required_fen, a));
	cli_printf("  %s %s  %s %s  %s %s\n", L(_("Balance")), cli_money(p->balance_fen, a),
	       _("frozen"), cli_money(p->frozen_fen, b), _("available"),
	       cli_money(v->available_fen, c));
	if (v->shortfall_fen)
		cli_printf("  %s %s\n", L(_("Shortfall")), cli_money(v->shortfall_fen, d));
	cli_printf("  %s %lld  %s %lld  %s %lld\n", L(_("Bound shops")), (long long)v->bound_shops,
	       _("open complaints"), (long long)v->open_complaints, _("upheld"),
	       (long long)v->upheld_complaints);
	if (v->payee.present)
		cli_printf("  %s %s · %s · %s\n", L(_("Payee")), cli_payee_label(BZJ_PAYEE_CORPORATE),
		       v->payee.name, v->payee.account);
#undef L
}

static int emit_provider(cli_env *env, bzj_ctx *x, const char *id, bzj_err *e)
{
	bzj_provider_view v;
	int rc = bzj_provider_get(x, id, &v, e);
	if (rc)
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		provider_json(&j, &v, false);
		cli_json_print(&j);
	} else {
		provider_text(&v);
	}
	return BZJ_OK;
}

CMD(provider_add)
{
	opt o[] = {O("name", true), O("entity-name", true), O("kind", true), O("certified", true),
		   O("probation", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_provider_new in = {.id = a.pos[0],
			       .name = cli_val(&a, "name"),
			       .entity_name = cli_val(&a, "entity-name"),
			       .kind = bzj_provider_kind_parse(cli_val(&a, "kind"))};
	if (!rc && in.kind < 0)
		rc = bzj_fail(e, BZJ_EINPUT, "input.kind",
			      _("--kind: must be agency or industry_belt"));
	if (!rc && cli_flag(&a, "probation") && cli_val(&a, "certified"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage",
			      _("--certified DATE and --probation exclude each other"));
	if (!rc)
		rc = opt_date(&a, "certified", false, &in.certified, e);
	if (!rc)
		rc = bzj_provider_add(x, &in, e);
	return rc ? rc : emit_provider(env, x, a.pos[0], e);
}

CMD(provider_show)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 1, &a, e);
	if (rc)
		return rc;
	bzj_provider_view v;
	if ((rc = bzj_provider_get(x, a.pos[0], &v, e)))
		return rc;
	enum { MAXB = 1000 };
	bzj_binding *b = malloc(MAXB * sizeof *b);
	if (!b)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int n = 0;
	rc = bzj_provider_bindings(x, a.pos[0], b, MAXB, &n, e);
	if (!rc && env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		provider_fields(&j, &v, false);
		bzj_json_arr(&j, "bindings");
		for (int i = 0; i < n; i++) {
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "id", b[i].id);
			bzj_json_str(&j, "shop_id", b[i].shop_id);
			bzj_json_date(&j, "from", b[i].from);
			bzj_json_date(&j, "to", b[i].to);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (!rc) {
		provider_text(&v);
		for (int i = 0; i < n; i++) {
			char d1[16], d2[16];
			cli_printf("  %s %-12s %s .. %s\n", _("bound"), b[i].shop_id,
			       cli_day(b[i].from, d1), cli_day(b[i].to, d2));
		}
	}
	free(b);
	return rc;
}

typedef struct list_out {
	cli_env *env;
	bzj_json *j;
	bool public_only, csv;
} list_out;

static void csv_field(const char *s, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	char *q = quote ? malloc(2 * strlen(s) + 3) : NULL;
	if (q) {
		/* quoted, and then escaped like every other text (line breaks pass) */
		size_t n = 0;
		q[n++] = '"';
		for (; *s; s++) {
			if (*s == '"')
				q[n++] = '"';
			q[n++] = *s;
		}
		q[n++] = '"';
		q[n] = 0;
		cli_fprintf(stdout, "%s", q);
		free(q);
	} else {
		cli_put_safe(stdout, s);
	}
	putchar(last ? '\n' : ',');
}

static int list_row(void *ctx, const bzj_provider_view *v)
{
	list_out *o = ctx;
	const bzj_provider *p = &v->p;
	char d1[16], d2[16], a[32], b[32], n[24];
	if (o->csv) {
		csv_field(p->id, false);
		csv_field(p->name, false);
		csv_field(p->entity_name, false);
		csv_field(bzj_provider_kind_name(p->kind), false);
		csv_field(bzj_provider_status_name(p->status), false);
		csv_field(p->certified_on == BZJ_DATE_NONE ? "" : cli_day(p->certified_on, d1), false);
		csv_field(p->delisted_on == BZJ_DATE_NONE ? "" : cli_day(p->delisted_on, d2), false);
		csv_field(v->shortfall_fen == 0 ? "yes" : "no", false);
		snprintf(n, sizeof n, "%lld", (long long)v->upheld_complaints);
		csv_field(n, true);
	} else if (o->env->json) {
		provider_json(o->j, v, o->public_only);
	} else if (o->public_only) {
		char nm[96];
		cli_printf("%-10s %s %-13s %-9s %s %s  %s  %s %lld\n", p->id,
		       cli_col_w(p->name, 24, nm, sizeof nm), bzj_provider_kind_name(p->kind),
		       bzj_provider_status_name(p->status), cli_day(p->certified_on, d1),
		       cli_day(p->delisted_on, d2),
		       v->shortfall_fen == 0 ? _("paid in full") : _("not paid in full"),
		       _("upheld complaints"), (long long)v->upheld_complaints);
	} else {
		char nm[96];
		cli_printf("%-10s %s %-13s %-9s %14s %14s%s\n", p->id, cli_col_w(p->name, 24, nm, sizeof nm),
		       bzj_provider_kind_name(p->kind), bzj_provider_status_name(p->status),
		       cli_money(p->balance_fen, a), cli_money(v->required_fen, b),
		       v->shortfall_fen ? _("  shortfall") : "");
	}
	return 0;
}

CMD(provider_list)
{
	opt o[] = {O("search", true), O("kind", true), O("status", true), O("public", false),
		   O("csv", false),	O("limit", true), O("shortfall", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 0;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 1000000, &limit, e);
	bzj_provider_query q = {.search = cli_val(&a, "search"),
				.limit = (int)limit,
				.shortfall = cli_flag(&a, "shortfall")};
	if (!rc && cli_val(&a, "kind") &&
	    (q.kind = bzj_provider_kind_parse(cli_val(&a, "kind"))) < 0)
		rc = bzj_fail(e, BZJ_EINPUT, "input.kind",
			      _("--kind: must be agency or industry_belt"));
	if (!rc && cli_val(&a, "status") &&
	    (q.status = bzj_provider_status_parse(cli_val(&a, "status"))) < 0)
		rc = bzj_fail(e, BZJ_EINPUT, "input.status",
			      _("--status: must be probation, certified, revoked, ordinary or "
				"exited"));
	if (rc)
		return rc;
	bzj_json j;
	cli_json_list(&j, "providers");
	list_out out = {env, &j, cli_flag(&a, "public") || cli_flag(&a, "csv"), cli_flag(&a, "csv")};
	if (out.csv)
		cli_printf("id,name,entity_name,kind,status,certified_on,delisted_on,"
		       "deposit_paid_in_full,upheld_complaints\n");
	int64_t total = 0;
	rc = bzj_provider_list(x, &q, list_row, &out, &total, e);
	bzj_json_arr_end(&j);
	bzj_json_int(&j, "total", total);
	bzj_json_obj_end(&j);
	if (out.csv) {
		bzj_json_free(&j);
		return rc;
	}
	cli_json_finish(env, &j, !rc);
	if (!rc && !env->json)
		cli_printf(_("%lld providers\n"), (long long)total);
	return rc;
}

CMD(provider_money)
{
	bool fee = !strcmp(cli_last_word(cmd), "fee");
	opt o[] = {O("ref", true), O("note", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, fee ? o + 1 : o, 1, 2, &a, e);
	int64_t fen = 0, id = 0, bal = 0;
	bool replayed = false;
	if (!rc)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (!rc && fee)
		rc = bzj_provider_fee(x, a.pos[0], fen, cli_val(&a, "note"), &id, e);
	else if (!rc)
		rc = bzj_provider_topup(x, a.pos[0], fen, cli_val(&a, "ref"), &id, &bal, &replayed, e);
	if (rc)
		return rc;
	bzj_provider_view v;
	if ((rc = bzj_provider_get(x, a.pos[0], &v, e)))
		return rc;
	char m[32], s[32];
	if (env->json)
		cli_printf("{\"id\":%lld,\"provider\":\"%s\",\"balance_fen\":%lld,\"shortfall_fen\":%lld"
		       ",\"replayed\":%s}\n",
		       (long long)id, v.p.id, (long long)v.p.balance_fen, (long long)v.shortfall_fen,
		       replayed ? "true" : "false");
	else
		cli_printf(_("entry %lld%s: provider %s balance %s, shortfall %s\n"), (long long)id,
		       replayed ? _(" (already recorded)") : "", v.p.id, cli_money(v.p.balance_fen, m),
		       cli_money(v.shortfall_fen, s));
	return BZJ_OK;
}

CMD(provider_payee)
{
	opt o[] = {O("name", true), O("account", true), O("date", true), O("type", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_date since;
	if (!rc && cli_val(&a, "type") && strcmp(cli_val(&a, "type"), "corporate"))
		rc = bzj_fail(e, BZJ_ERULE, "payee.not_allowed",
			      _("a service provider is refunded only to its corporate account "
				"(对公账户)"));
	if (!rc)
		rc = opt_date(&a, "date", false, &since, e);
	if (!rc)
		rc = bzj_provider_payee(x, a.pos[0], cli_val(&a, "name"), cli_val(&a, "account"),
					since, e);
	return rc ? rc : emit_provider(env, x, a.pos[0], e);
}

CMD(provider_bind)
{
	bool unbind = !strcmp(cli_last_word(cmd), "unbind");
	opt o[] = {O("from", true), O("to", true), O("date", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, unbind ? o + 2 : o, unbind ? 1 : 2, 2, &a, e);
	bzj_date from = BZJ_DATE_NONE, to = BZJ_DATE_NONE;
	int64_t id = 0;
	if (!rc && unbind)
		rc = opt_date(&a, "date", true, &to, e);
	if (!rc && unbind)
		rc = bzj_provider_unbind(x, a.pos[0], a.pos[1], to, e);
	if (!rc && !unbind)
		rc = opt_date(&a, "from", true, &from, e);
	if (!rc && !unbind)
		rc = opt_date(&a, "to", false, &to, e);
	if (!rc && !unbind)
		rc = bzj_provider_bind(x, a.pos[0], a.pos[1], from, to, &id, e);
	if (rc)
		return rc;
	char d1[16], d2[16];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		if (!unbind)
			bzj_json_int(&j, "id", id);
		bzj_json_str(&j, "provider", a.pos[0]);
		bzj_json_str(&j, "shop", a.pos[1]);
		if (!unbind)
			bzj_json_date(&j, "from", from);
		bzj_json_date(&j, "to", to);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (unbind) {
		cli_printf(_("provider %s and shop %s: bound through %s\n"), a.pos[0], a.pos[1],
		       cli_day(to, d2));
	} else {
		cli_printf(_("binding %lld: provider %s and shop %s from %s to %s\n"), (long long)id,
		       a.pos[0], a.pos[1], cli_day(from, d1), cli_day(to, d2));
	}
	return BZJ_OK;
}

CMD(provider_orders)
{
	opt o[] = {O("from", true), O("to", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_date from, to;
	int64_t orders = 0, gift = 0;
	if (!rc)
		rc = opt_date(&a, "from", true, &from, e);
	if (!rc)
		rc = opt_date(&a, "to", true, &to, e);
	if (!rc)
		rc = bzj_provider_orders(x, a.pos[0], from, to, &orders, &gift, e);
	if (rc)
		return rc;
	char d1[16], d2[16];
	if (env->json)
		cli_printf("{\"provider\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"orders\":%lld,"
		       "\"gift_orders\":%lld}\n",
		       a.pos[0], cli_day(from, d1), cli_day(to, d2), (long long)orders,
		       (long long)gift);
	else
		cli_printf(_("provider %s, %s to %s: %lld paid orders (gift orders excluded; %lld gift "
			 "orders)\n"),
		       a.pos[0], cli_day(from, d1), cli_day(to, d2), (long long)orders,
		       (long long)gift);
	return BZJ_OK;
}

/* certify, apply, exit, revoke: a date, and the provider afterwards. */
CMD(provider_status)
{
	const char *verb = cli_last_word(cmd);
	bool apply = !strcmp(verb, "apply"), revoke = !strcmp(verb, "revoke");
	opt o[] = {O("date", true), O(revoke ? "reason" : "explanation", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, apply || revoke ? 2 : 1, 1, &a, e);
	bzj_date day;
	if (!rc)
		rc = opt_date(&a, "date", true, &day, e);
	if (!rc && revoke)
		rc = bzj_provider_revoke(x, a.pos[0], day, cli_val(&a, "reason"), e);
	else if (!rc && apply)
		rc = bzj_provider_apply(x, a.pos[0], day, cli_val(&a, "explanation"), e);
	else if (!rc && !strcmp(verb, "certify"))
		rc = bzj_provider_certify(x, a.pos[0], day, e);
	else if (!rc)
		rc = bzj_provider_exit(x, a.pos[0], day, e);
	return rc ? rc : emit_provider(env, x, a.pos[0], e);
}

CMD(provider_refund)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 1, &a, e);
	bzj_refund r;
	if (!rc)
		rc = bzj_provider_refund(x, a.pos[0], &r, e);
	return rc ? rc : cli_emit_refund(env, &r);
}

CMD(provider_ledger)
{
	opt o[] = {O("limit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	long long limit = 50;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 10000, &limit, e);
	if (rc)
		return rc;
	bzj_provider_entry *le = malloc((size_t)limit * sizeof *le);
	if (!le)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int n = 0;
	rc = bzj_provider_ledger(x, a.pos[0], le, (int)limit, &n, e);
	bzj_json j;
	cli_json_list(&j, "entries");
	for (int i = 0; !rc && i < n; i++) {
		cli_entry r = {.id = le[i].id,
			       .date = le[i].date,
			       .kind = le[i].kind,
			       .amount_fen = le[i].amount_fen,
			       .balance_after_fen = le[i].balance_after_fen,
			       .note = le[i].note,
			       .ref = le[i].ref};
		cli_entry_put(env, &j, &r);
	}
	free(le);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	return rc;
}

static const subcommand provider_subs[] = {
	{"add", provider_add},	     {"show", provider_show},	  {"list", provider_list},
	{"topup", provider_money},   {"fee", provider_money},	  {"payee", provider_payee},
	{"bind", provider_bind},     {"unbind", provider_bind},	  {"orders", provider_orders},
	{"certify", provider_status}, {"apply", provider_status}, {"exit", provider_status},
	{"revoke", provider_status},
	{"refund", provider_refund}, {"ledger", provider_ledger}, {NULL, NULL}};

const cli_command cli_cmd_provider = {
	"provider", NULL, provider_subs, 0,
	N_("provider add PID --name N --entity-name NAME --kind agency|industry_belt\n"
	   "             [--certified DATE | --probation]\n"
	   "provider show PID | ledger PID [--limit N]\n"
	   "provider list [--search T] [--kind K] [--status S] [--shortfall] [--public] [--csv]\n"
	   "              [--limit N]\n"
	   "provider topup PID AMOUNT [--ref REF] | fee PID AMOUNT --note TEXT\n"
	   "provider payee PID --name NAME --account NO [--date DATE]   corporate account only\n"
	   "provider bind PID SHOP --from DATE [--to DATE] | unbind PID SHOP --date DATE\n"
	   "provider orders PID --from DATE --to DATE   paid orders, gift orders excluded\n"
	   "provider certify PID --date DATE | exit PID --date DATE\n"
	   "provider revoke PID --date DATE --reason TEXT   delist a certified provider\n"
	   "provider apply PID --date DATE [--explanation TEXT]   reapply for industry-belt\n"
	   "provider refund PID                      exit refund, in the refund queue")};

/* ---- assessments ----------------------------------------------------------------- */

typedef struct assess_out {
	cli_env *env;
	bzj_json *j;
	bool closing; /* outcomes are decided (preview or close) */
} assess_out;

static int assess_row(void *ctx, const bzj_assess_row *r)
{
	assess_out *o = ctx;
	char a[32];
	if (o->env->json) {
		bzj_json_obj(o->j, NULL);
		bzj_json_str(o->j, "id", r->id);
		bzj_json_int(o->j, "orders", r->orders);
		bzj_json_int(o->j, "deposit_fen", r->deposit_fen);
		bzj_json_bool(o->j, "meets_orders", r->meets_orders);
		bzj_json_bool(o->j, "meets_deposit", r->meets_deposit);
		bzj_json_str(o->j, "outcome", bzj_assess_outcome_name(r->outcome));
		bzj_json_obj_end(o->j);
	} else {
		cli_printf("%-12s %10lld %s %14s %s  %s\n", r->id, (long long)r->orders,
		       r->meets_orders ? "✓" : "✗", cli_money(r->deposit_fen, a),
		       r->meets_deposit ? "✓" : "✗", bzj_assess_outcome_name(r->outcome));
	}
	return 0;
}

static void assess_head(cli_env *env, bzj_json *j, const bzj_assessment *a, bzj_date today)
{
	char d1[16], d2[16], d3[16], m[32];
	int64_t left = today <= a->to ? (int64_t)a->to - today + 1 : 0;
	if (today < a->from)
		left = (int64_t)a->to - a->from + 1;
	if (env->json) {
		bzj_json_init(j);
		bzj_json_obj(j, NULL);
		bzj_json_str(j, "name", a->name);
		bzj_json_date(j, "cutoff", a->cutoff);
		bzj_json_date(j, "from", a->from);
		bzj_json_date(j, "to", a->to);
		bzj_json_int(j, "threshold", a->threshold);
		bzj_json_int(j, "deposit_fen", a->deposit_fen);
		bzj_json_date(j, "closed_on", a->closed_on);
		bzj_json_int(j, "days_left", left);
		bzj_json_arr(j, "providers");
		return;
	}
	cli_printf(_("assessment %s: certified on or before %s; %s to %s; %lld orders and %s "
		 "deposit; %lld day(s) left%s%s\n"),
	       a->name, cli_day(a->cutoff, d1), cli_day(a->from, d2), cli_day(a->to, d3),
	       (long long)a->threshold, cli_money(a->deposit_fen, m), (long long)left,
	       a->closed_on != BZJ_DATE_NONE ? _("; closed on ") : "",
	       a->closed_on != BZJ_DATE_NONE ? cli_day(a->closed_on, d1) : "");
}

static int assess_emit(cli_env *env, bzj_ctx *x, const char *name, bool close, bool preview,
		       bzj_err *e);

CMD(assess_create)
{
	opt o[] = {O("cutoff", true), O("from", true), O("to", true), O("threshold", true),
		   O("deposit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_date cutoff, from, to;
	long long threshold = -1;
	int64_t deposit = 10000000; /* 100,000 yuan (seed 003) */
	if (!rc)
		rc = opt_date(&a, "cutoff", true, &cutoff, e);
	if (!rc)
		rc = opt_date(&a, "from", true, &from, e);
	if (!rc)
		rc = opt_date(&a, "to", true, &to, e);
	if (!rc && !cli_val(&a, "threshold"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.number", _("--threshold N is required"));
	if (!rc)
		rc = cli_opt_int(&a, "threshold", 0, 1000000000000LL, &threshold, e);
	if (!rc && cli_val(&a, "deposit"))
		rc = bzj_money_parse(cli_val(&a, "deposit"), "--deposit", &deposit, e);
	if (!rc)
		rc = bzj_assess_create(x, a.pos[0], cutoff, from, to, threshold, deposit, e);
	return rc ? rc : assess_emit(env, x, a.pos[0], false, false, e);
}

/* show and close share the output; the rows come after the head, so the
 * head is printed from the assessment the call filled. */
typedef struct assess_buf {
	bzj_assess_row *v;
	size_t n, cap;
} assess_buf;

static int assess_keep(void *ctx, const bzj_assess_row *r);

/* show, close and close --preview: the head, then a row per provider. */
static int assess_emit(cli_env *env, bzj_ctx *x, const char *name, bool close, bool preview,
		       bzj_err *e)
{
	bzj_assessment as;
	assess_buf b = {0};
	int rc = close ? bzj_assess_close(x, name, preview, &as, assess_keep, &b, e)
		       : bzj_assess_show(x, name, &as, assess_keep, &b, e);
	if (rc) {
		free(b.v);
		return rc;
	}
	bzj_json j;
	assess_out out = {env, &j, close};
	assess_head(env, &j, &as, x->today);
	if (!env->json && b.n)
		cli_printf("%-12s %12s %16s  %s\n", _("provider"), _("orders"), _("deposit"),
		       _("outcome"));
	for (size_t i = 0; i < b.n; i++)
		assess_row(&out, &b.v[i]);
	free(b.v);
	if (env->json) {
		bzj_json_arr_end(&j);
		bzj_json_bool(&j, "preview", preview);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	}
	return BZJ_OK;
}

static int assess_keep(void *ctx, const bzj_assess_row *r)
{
	assess_buf *b = ctx;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		bzj_assess_row *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return 1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = *r;
	return 0;
}

CMD(assess_act)
{
	bool close = !strcmp(cli_last_word(cmd), "close");
	opt o[] = {O("preview", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, close ? 1 : 0, 1, &a, e);
	return rc ? rc : assess_emit(env, x, a.pos[0], close, cli_flag(&a, "preview"), e);
}

static const subcommand assess_subs[] = {
	{"create", assess_create}, {"show", assess_act}, {"close", assess_act}, {NULL, NULL}};

const cli_command cli_cmd_assess = {
	"assess", NULL, assess_subs, 0,
	N_("assess create NAME --cutoff DATE --from DATE --to DATE --threshold N\n"
	   "             [--deposit AMOUNT]        renewal assessment (default 100,000 yuan)\n"
	   "assess show NAME                       progress of every provider assessed\n"
	   "assess close NAME [--preview]          after the period: keep or revoke each one")};

/* ---- complaints ----------------------------------------------------------------------- */

static void complaint_json(bzj_json *j, const bzj_complaint *c)
{
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "id", c->id);
	bzj_json_str(j, "provider", c->provider_id);
	bzj_json_str(j, "shop", c->shop_id);
	bzj_json_date(j, "date", c->date);
	bzj_json_str(j, "status", bzj_complaint_status_name(c->status));
	bzj_json_int(j, "frozen_fen", c->frozen_fen);
	bzj_json_int(j, "amount_fen", c->amount_fen);
	bzj_json_str(j, "note", c->note);
	bzj_json_str(j, "reason", c->reason[0] ? c->reason : NULL);
	bzj_json_date(j, "resolved", c->resolved);
	bzj_json_str(j, "recorded_by", c->user);
	bzj_json_str(j, "upheld_by", c->upheld_by[0] ? c->upheld_by : NULL);
	bzj_json_str(j, "second_approved_by", c->second_by[0] ? c->second_by : NULL);
	bzj_json_obj_end(j);
}

static void complaint_text(const bzj_complaint *c)
{
	char a[32], b[32], d[16];
	cli_printf("%-6lld %-10s %-10s %s %-9s %s %14s %s %14s  %s\n", (long long)c->id,
	       c->provider_id, c->shop_id, cli_day(c->date, d), bzj_complaint_status_name(c->status),
	       _("frozen"), cli_money(c->frozen_fen, a), _("compensation"),
	       cli_money(c->amount_fen, b), c->note);
}

static int emit_complaint(cli_env *env, const bzj_complaint *c)
{
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		complaint_json(&j, c);
		cli_json_print(&j);
	} else {
		complaint_text(c);
	}
	return BZJ_OK;
}

CMD(complaint_add)
{
	opt o[] = {O("shop", true), O("note", true), O("freeze", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	int64_t freeze = 0, id = 0;
	if (!rc && !cli_val(&a, "shop"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.shop", _("--shop ID is required"));
	if (!rc && cli_val(&a, "freeze"))
		rc = bzj_money_parse(cli_val(&a, "freeze"), "--freeze", &freeze, e);
	if (!rc)
		rc = bzj_complaint_add(x, a.pos[0], cli_val(&a, "shop"), cli_val(&a, "note"), freeze,
				       &id, e);
	bzj_complaint c;
	if (!rc)
		rc = bzj_complaint_get(x, id, &c, e);
	return rc ? rc : emit_complaint(env, &c);
}

CMD(complaint_act)
{
	const char *verb = cli_last_word(cmd);
	bool uphold = !strcmp(verb, "uphold"), show = !strcmp(verb, "show");
	opt o[] = {O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, uphold || show ? 0 : 1, uphold ? 2 : 1, &a, e);
	int64_t id = 0, fen = 0;
	if (!rc)
		rc = cli_parse_id(a.pos[0], "complaint id", &id, e);
	if (!rc && uphold)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	bzj_complaint c;
	if (!rc && uphold)
		rc = bzj_complaint_uphold(x, id, fen, &c, e);
	else if (!rc && show)
		rc = bzj_complaint_get(x, id, &c, e);
	else if (!rc)
		rc = bzj_complaint_dismiss(x, id, cli_val(&a, "reason"), &c, e);
	return rc ? rc : emit_complaint(env, &c);
}

CMD(complaint_list)
{
	opt o[] = {O("provider", true), O("limit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 100;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 10000, &limit, e);
	if (rc)
		return rc;
	bzj_complaint *c = malloc((size_t)limit * sizeof *c);
	if (!c)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int n = 0;
	rc = bzj_complaint_list(x, cli_val(&a, "provider"), c, (int)limit, &n, e);
	bzj_json j;
	cli_json_list(&j, "complaints");
	for (int i = 0; !rc && i < n; i++) {
		if (env->json)
			complaint_json(&j, &c[i]);
		else
			complaint_text(&c[i]);
	}
	free(c);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	return rc;
}

static const subcommand complaint_subs[] = {{"add", complaint_add},
					    {"uphold", complaint_act},
					    {"dismiss", complaint_act},
					    {"show", complaint_act},
					    {"list", complaint_list},
					    {NULL, NULL}};

const cli_command cli_cmd_complaint = {
	"complaint", NULL, complaint_subs, 0,
	N_("complaint add PID --shop ID --note TEXT [--freeze AMOUNT]   a merchant's complaint\n"
	   "complaint uphold CID AMOUNT             compensation from the provider's deposit\n"
	   "complaint dismiss CID --reason TEXT | show CID | list [--provider PID] [--limit N]")};
