/* store.c - opening the database, the schema and its migrations, the
 * statement cache and transactions. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h> /* the fenced SQLite-only functions below */

#include "bzj/fsafe.h"
#include "bzj/i18n.h"
#include "bzj/rules.h"
#include "store_pg.h"
#include "store_priv.h"

/* Schema version 1.  Every invariant SQL can hold is a CHECK, a unique index
 * or a trigger; the rest is verified by `bzj check`. */
static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE calendar_year(year INTEGER PRIMARY KEY);"
	"CREATE TABLE calendar_day("
	" day INTEGER PRIMARY KEY,"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2)),"
	" name_en TEXT NOT NULL DEFAULT '', name_zh TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE standard("
	" category TEXT NOT NULL CHECK(length(category) BETWEEN 1 AND 64),"
	" effective INTEGER NOT NULL,"
	" individual_fen INTEGER NOT NULL CHECK(individual_fen >= 0),"
	" company_fen INTEGER NOT NULL CHECK(company_fen >= 0),"
	" PRIMARY KEY(category, effective)) WITHOUT ROWID;"
	"CREATE TABLE shop("
	" id TEXT PRIMARY KEY NOT NULL CHECK(length(id) BETWEEN 1 AND 32),"
	" name TEXT NOT NULL CHECK(length(name) >= 1),"
	" entity_name TEXT NOT NULL CHECK(length(entity_name) >= 1),"
	" operator_name TEXT NOT NULL DEFAULT '',"
	" entity INTEGER NOT NULL CHECK(entity IN (1,2)),"
	" status INTEGER NOT NULL CHECK(status IN (1,2)),"
	" opened INTEGER NOT NULL,"
	" closed INTEGER CHECK(closed IS NULL OR closed >= opened),"
	" balance_fen INTEGER NOT NULL DEFAULT 0 CHECK(balance_fen >= 0),"
	" frozen_fen INTEGER NOT NULL DEFAULT 0 CHECK(frozen_fen >= 0 AND frozen_fen <= balance_fen),"
	" unsettled_fen INTEGER NOT NULL DEFAULT 0 CHECK(unsettled_fen >= 0),"
	" owed_fen INTEGER NOT NULL DEFAULT 0 CHECK(owed_fen >= 0),"
	" required_fen INTEGER NOT NULL DEFAULT 0 CHECK(required_fen >= 0),"
	" restricted INTEGER NOT NULL DEFAULT 0 CHECK(restricted IN (0,1)),"
	" terminate INTEGER NOT NULL DEFAULT 0 CHECK(terminate IN (0,1)),"
	" open_violations INTEGER NOT NULL DEFAULT 0 CHECK(open_violations >= 0),"
	" refund_open INTEGER NOT NULL DEFAULT 0,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" CHECK((status = 2) = (closed IS NOT NULL)));"
	"CREATE INDEX shop_name ON shop(name, id);"
	"CREATE INDEX shop_required ON shop(required_fen, id);"
	"CREATE INDEX shop_balance ON shop(balance_fen, id);"
	"CREATE INDEX shop_restricted ON shop(id) WHERE restricted = 1;"
	"CREATE INDEX shop_closed ON shop(id) WHERE status = 2;"
	"CREATE INDEX shop_violations ON shop(id) WHERE open_violations > 0;"
	"CREATE INDEX shop_refunding ON shop(id) WHERE refund_open > 0;"
	"CREATE VIRTUAL TABLE shop_fts USING fts5(id, name, operator_name,"
	" content='shop', content_rowid='rowid', tokenize='trigram');"
	"CREATE TRIGGER shop_fts_ai AFTER INSERT ON shop BEGIN"
	" INSERT INTO shop_fts(rowid, id, name, operator_name)"
	" VALUES (new.rowid, new.id, new.name, new.operator_name); END;"
	"CREATE TRIGGER shop_fts_ad AFTER DELETE ON shop BEGIN"
	" INSERT INTO shop_fts(shop_fts, rowid, id, name, operator_name)"
	" VALUES ('delete', old.rowid, old.id, old.name, old.operator_name); END;"
	"CREATE TRIGGER shop_fts_au AFTER UPDATE OF id, name, operator_name ON shop BEGIN"
	" INSERT INTO shop_fts(shop_fts, rowid, id, name, operator_name)"
	" VALUES ('delete', old.rowid, old.id, old.name, old.operator_name);"
	" INSERT INTO shop_fts(rowid, id, name, operator_name)"
	" VALUES (new.rowid, new.id, new.name, new.operator_name); END;"
	"CREATE TABLE shop_category("
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" category TEXT NOT NULL, added INTEGER NOT NULL,"
	" PRIMARY KEY(shop_id, category)) WITHOUT ROWID;"
	"CREATE TABLE payee("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" type INTEGER NOT NULL CHECK(type IN (1,2)),"
	" name TEXT NOT NULL, account TEXT NOT NULL CHECK(length(account) BETWEEN 4 AND 40),"
	" since INTEGER NOT NULL);"
	"CREATE INDEX payee_shop ON payee(shop_id, id);"
	"CREATE TABLE ledger("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" day INTEGER NOT NULL,"
	" kind INTEGER NOT NULL CHECK(kind BETWEEN 1 AND 5),"
	" amount_fen INTEGER NOT NULL CHECK(amount_fen <> 0),"
	" balance_after INTEGER NOT NULL CHECK(balance_after >= 0),"
	" payer TEXT, third_party INTEGER NOT NULL DEFAULT 0 CHECK(third_party IN (0,1)),"
	" ref TEXT, note TEXT NOT NULL DEFAULT '',"
	" violation_id INTEGER, refund_id INTEGER, user TEXT NOT NULL,"
	" CHECK(kind = 5 OR (kind = 1) = (amount_fen > 0)));"
	"CREATE INDEX ledger_shop ON ledger(shop_id, id);"
	"CREATE UNIQUE INDEX ledger_ref ON ledger(ref) WHERE ref IS NOT NULL;"
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only: add a correction entry'); END;"
	"CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only: add a correction entry'); END;"
	"CREATE TABLE gmv("
	" shop_id TEXT NOT NULL REFERENCES shop(id), month INTEGER NOT NULL,"
	" gmv_fen INTEGER NOT NULL CHECK(gmv_fen >= 0),"
	" PRIMARY KEY(shop_id, month)) WITHOUT ROWID;"
	"CREATE TABLE floating("
	" shop_id TEXT NOT NULL REFERENCES shop(id), month INTEGER NOT NULL,"
	" gmv_fen INTEGER NOT NULL CHECK(gmv_fen >= 0),"
	" floating_fen INTEGER NOT NULL CHECK(floating_fen >= 0),"
	" effective INTEGER NOT NULL,"
	" PRIMARY KEY(shop_id, month)) WITHOUT ROWID;"
	"CREATE TABLE violation("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" day INTEGER NOT NULL,"
	" class INTEGER NOT NULL CHECK(class IN (1,2)),"
	" points INTEGER NOT NULL CHECK(points BETWEEN 0 AND 100),"
	" raise_fen INTEGER NOT NULL CHECK(raise_fen >= 0),"
	" frozen_fen INTEGER NOT NULL DEFAULT 0 CHECK(frozen_fen >= 0),"
	" deducted_fen INTEGER NOT NULL DEFAULT 0 CHECK(deducted_fen >= 0),"
	" owed_fen INTEGER NOT NULL DEFAULT 0 CHECK(owed_fen >= 0),"
	" status INTEGER NOT NULL CHECK(status IN (1,2)),"
	" resolved INTEGER, note TEXT NOT NULL, user TEXT NOT NULL,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" CHECK(status = 1 OR frozen_fen = 0),"
	" CHECK((status = 2) = (resolved IS NOT NULL)));"
	"CREATE INDEX violation_shop ON violation(shop_id, id);"
	"CREATE INDEX violation_open ON violation(shop_id) WHERE status = 1;"
	"CREATE TABLE refund("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2)),"
	" status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 6),"
	" amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	" submitted_on INTEGER NOT NULL, month INTEGER NOT NULL,"
	" window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,"
	" checklist INTEGER NOT NULL DEFAULT 0 CHECK(checklist BETWEEN 0 AND 15),"
	" late INTEGER NOT NULL DEFAULT 0 CHECK(late IN (0,1)),"
	" submitted_by TEXT NOT NULL, approved_by TEXT, approved_on INTEGER,"
	" second_by TEXT, paid_by TEXT, paid_on INTEGER,"
	" failure_reason TEXT, reject_reason TEXT,"
	" version INTEGER NOT NULL DEFAULT 1, changed_by TEXT NOT NULL,"
	" CHECK(window_start <= window_end),"
	" CHECK(status <> 3 OR (paid_on IS NOT NULL AND paid_by IS NOT NULL)),"
	" CHECK(approved_by IS NULL OR approved_by <> submitted_by),"
	" CHECK(paid_by IS NULL OR paid_by <> approved_by));"
	"CREATE UNIQUE INDEX refund_one_open ON refund(shop_id) WHERE status IN (1,2);"
	"CREATE INDEX refund_due ON refund(window_end, id);"
	"CREATE INDEX refund_shop ON refund(shop_id, month);"
	"CREATE TABLE receipt("
	" id INTEGER PRIMARY KEY,"
	" topup_id INTEGER NOT NULL UNIQUE REFERENCES ledger(id),"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" title TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	" issued INTEGER NOT NULL, voided INTEGER NOT NULL DEFAULT 0 CHECK(voided IN (0,1)));"
	"CREATE INDEX receipt_shop ON receipt(shop_id);"
	"CREATE TABLE restriction_event("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id), day INTEGER NOT NULL,"
	" restricted INTEGER NOT NULL CHECK(restricted IN (0,1)),"
	" balance_fen INTEGER NOT NULL, required_fen INTEGER NOT NULL, cause TEXT NOT NULL);"
	"CREATE INDEX restriction_shop ON restriction_event(shop_id, id);"
	"CREATE TABLE audit("
	" seq INTEGER PRIMARY KEY,"
	" at TEXT NOT NULL, day INTEGER NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,"
	" action TEXT NOT NULL, object TEXT NOT NULL, shop_id TEXT,"
	" before TEXT NOT NULL, after TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_shop ON audit(shop_id, seq) WHERE shop_id IS NOT NULL;"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	" SELECT RAISE(ABORT, 'audit log is append-only'); END;";

/* Version 2: a bigram index for 1- and 2-character searches, which the
 * FTS5 trigram index cannot serve (Chinese names are searched by two
 * characters all the time).  Each name and operator name contributes every
 * 2-character substring and its last character alone, so a 2-character
 * term is one index lookup and a 1-character term one range scan. */
#define GRAMS_CTE(row) SHOP_GRAMS_CTE(row)

static const char schema_v2[] =
	"CREATE TABLE shop_gram(gram TEXT NOT NULL, shop_rowid INTEGER NOT NULL,"
	" PRIMARY KEY(gram, shop_rowid)) WITHOUT ROWID;"
	"CREATE TRIGGER shop_gram_ai AFTER INSERT ON shop BEGIN"
	" INSERT OR IGNORE INTO shop_gram(gram, shop_rowid)" GRAMS_CTE("new")
	" SELECT substr(str, i, 2), new.rowid FROM g; END;"
	"CREATE TRIGGER shop_gram_ad AFTER DELETE ON shop BEGIN"
	" DELETE FROM shop_gram WHERE shop_rowid = old.rowid AND gram IN (" GRAMS_CTE("old")
	" SELECT substr(str, i, 2) FROM g); END;"
	"CREATE TRIGGER shop_gram_au AFTER UPDATE OF name, operator_name ON shop BEGIN"
	" DELETE FROM shop_gram WHERE shop_rowid = old.rowid AND gram IN (" GRAMS_CTE("old")
	" SELECT substr(str, i, 2) FROM g);"
	" INSERT OR IGNORE INTO shop_gram(gram, shop_rowid)" GRAMS_CTE("new")
	" SELECT substr(str, i, 2), new.rowid FROM g; END;"
	"INSERT OR IGNORE INTO shop_gram(gram, shop_rowid)"
	" WITH RECURSIVE src(str, rid) AS (SELECT lower(name), rowid FROM shop"
	"  UNION ALL SELECT lower(operator_name), rowid FROM shop),"
	" g(str, rid, i) AS (SELECT str, rid, 1 FROM src WHERE length(str) > 0"
	"  UNION ALL SELECT str, rid, i + 1 FROM g WHERE i < length(str))"
	" SELECT substr(str, i, 2), rid FROM g;";

/* Version 3: dates on which requirements change by themselves (a floating
 * figure or a standards version effective on a later day).  The first
 * process that works on or after such a day brings every shop's recorded
 * requirement and payout restriction up to date. */
static const char schema_v3[] =
	"CREATE TABLE effective_date(day INTEGER PRIMARY KEY, cause TEXT NOT NULL,"
	" synced INTEGER NOT NULL DEFAULT 0 CHECK(synced IN (0,1)));";

/* Version 4: the audit chain's head.  Every audit record also advances
 * meta 'audit_seq' in its transaction; a trigger refuses to lower or delete
 * it, so removing the newest records (which the hash chain alone cannot
 * show) is caught by `audit verify`. */
static const char schema_v4[] =
	"INSERT OR IGNORE INTO meta(key, value)"
	" SELECT 'audit_seq', COALESCE(max(seq), 0) FROM audit;"
	"CREATE TRIGGER meta_audit_seq_up BEFORE UPDATE ON meta WHEN old.key = 'audit_seq'"
	" AND (new.key <> 'audit_seq' OR CAST(new.value AS INTEGER) < CAST(old.value AS INTEGER))"
	" BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;"
	"CREATE TRIGGER meta_audit_seq_keep BEFORE DELETE ON meta WHEN old.key = 'audit_seq'"
	" BEGIN SELECT RAISE(ABORT, 'the audit head cannot be removed'); END;";

/* Version 5: scale (issue 6).
 *  - shop_total: the number of shops, kept by triggers, so the first
 *    screen does not count a million rows;
 *  - the search-index update triggers fire only when a searched column
 *    really changes (every money operation rewrites the shop row);
 *  - refund_open_due: the open refund queue in due order;
 *  - gmv keyed by (month, shop_id): a month's import appends instead of
 *    touching every page of the table. */
static const char schema_v5[] =
	"CREATE TABLE shop_total(n INTEGER NOT NULL);"
	"INSERT INTO shop_total SELECT count(*) FROM shop;"
	"CREATE TRIGGER shop_total_ai AFTER INSERT ON shop BEGIN"
	" UPDATE shop_total SET n = n + 1; END;"
	"CREATE TRIGGER shop_total_ad AFTER DELETE ON shop BEGIN"
	" UPDATE shop_total SET n = n - 1; END;"
	"DROP TRIGGER shop_fts_au;"
	"CREATE TRIGGER shop_fts_au AFTER UPDATE OF id, name, operator_name ON shop"
	" WHEN old.id IS NOT new.id OR old.name IS NOT new.name"
	" OR old.operator_name IS NOT new.operator_name BEGIN"
	" INSERT INTO shop_fts(shop_fts, rowid, id, name, operator_name)"
	" VALUES ('delete', old.rowid, old.id, old.name, old.operator_name);"
	" INSERT INTO shop_fts(rowid, id, name, operator_name)"
	" VALUES (new.rowid, new.id, new.name, new.operator_name); END;"
	"DROP TRIGGER shop_gram_au;"
	"CREATE TRIGGER shop_gram_au AFTER UPDATE OF name, operator_name ON shop"
	" WHEN old.name IS NOT new.name OR old.operator_name IS NOT new.operator_name BEGIN"
	" DELETE FROM shop_gram WHERE shop_rowid = old.rowid AND gram IN (" GRAMS_CTE("old")
	" SELECT substr(str, i, 2) FROM g);"
	" INSERT OR IGNORE INTO shop_gram(gram, shop_rowid)" GRAMS_CTE("new")
	" SELECT substr(str, i, 2), new.rowid FROM g; END;"
	"CREATE INDEX refund_open_due ON refund(window_end, id) WHERE status IN (1,2);"
	"CREATE TABLE gmv_new("
	" shop_id TEXT NOT NULL REFERENCES shop(id), month INTEGER NOT NULL,"
	" gmv_fen INTEGER NOT NULL CHECK(gmv_fen >= 0),"
	" PRIMARY KEY(month, shop_id)) WITHOUT ROWID;"
	"INSERT INTO gmv_new SELECT shop_id, month, gmv_fen FROM gmv ORDER BY month, shop_id;"
	"DROP TABLE gmv;"
	"ALTER TABLE gmv_new RENAME TO gmv;";

/* Version 6: bigram postings keyed by shop id instead of rowid.  A search
 * in id order walks a gram's postings in id order and reads only the rows
 * it shows; keyed by rowid, every match had to be read to be sorted (about
 * 40 ms for a 2,000-shop name on a cold cache at a million shops).  Ids
 * also survive a VACUUM, which may renumber rowids.  Rebuilding the index
 * takes about 30 s at a million shops, once. */
static const char schema_v6[] =
	"DROP TRIGGER shop_gram_ai;"
	"DROP TRIGGER shop_gram_ad;"
	"DROP TRIGGER shop_gram_au;"
	"DROP TABLE shop_gram;"
	"CREATE TABLE shop_gram(gram TEXT NOT NULL, shop_id TEXT NOT NULL,"
	" PRIMARY KEY(gram, shop_id)) WITHOUT ROWID;" SHOP_GRAM_AI_SQL ";"
	"CREATE TRIGGER shop_gram_ad AFTER DELETE ON shop BEGIN"
	" DELETE FROM shop_gram WHERE shop_id = old.id AND gram IN (" SHOP_GRAMS_CTE("old")
	" SELECT substr(str, i, 2) FROM g); END;"
	"CREATE TRIGGER shop_gram_au AFTER UPDATE OF id, name, operator_name ON shop"
	" WHEN old.id IS NOT new.id OR old.name IS NOT new.name"
	" OR old.operator_name IS NOT new.operator_name BEGIN"
	" DELETE FROM shop_gram WHERE shop_id = old.id AND gram IN (" SHOP_GRAMS_CTE("old")
	" SELECT substr(str, i, 2) FROM g);"
	" INSERT OR IGNORE INTO shop_gram(gram, shop_id)" SHOP_GRAMS_CTE("new")
	" SELECT substr(str, i, 2), new.id FROM g; END;" SHOP_GRAM_BUILD_SQL ";";

/* Version 7: the rules of issues 10 and 11.
 *  - shop_change: the merchant information changes of seed 002 §8 (an
 *    operator recorded or changed, a rename of the certified entity, a
 *    company's deregistration), each with the date its written notice
 *    arrived; `hold` marks those that start the 30-day hold on payouts
 *    (not a shop's first operator).  Append-only, like the ledger.
 *  - violation.covered_fen: the part of a violation's deductions covered
 *    from unsettled payments (未结货款).  A violation's figures now always
 *    add up: deducted = its ledger deductions (repayments of what it owed
 *    carry its id) + covered + owed, and a shop's owed is the sum of its
 *    violations' owed.  Existing rows: what the shop still owes stays with
 *    its newest violations (repayments go oldest first), and what earlier
 *    repayments cleared, recorded then without the violation, counts as
 *    covered.
 *  - every standards version's date is scheduled (a version shipped with
 *    the product for a later date was never); the next change, list or
 *    check brings every shop's recorded requirement up to date (one sync
 *    of every shop, like a standards load);
 *  - ledger_violation: a violation's ledger entries, for `bzj check`. */
static const char schema_v7[] =
	"CREATE TABLE shop_change("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2,3)),"
	" notice INTEGER NOT NULL, recorded INTEGER NOT NULL CHECK(notice <= recorded),"
	" old_value TEXT NOT NULL DEFAULT '', new_value TEXT NOT NULL DEFAULT '',"
	" hold INTEGER NOT NULL CHECK(hold IN (0,1)),"
	" user TEXT NOT NULL);"
	"CREATE INDEX shop_change_shop ON shop_change(shop_id, id);"
	"CREATE UNIQUE INDEX shop_change_deregistered ON shop_change(shop_id) WHERE kind = 3;"
	"CREATE TRIGGER shop_change_no_update BEFORE UPDATE ON shop_change BEGIN"
	" SELECT RAISE(ABORT, 'merchant information changes are append-only'); END;"
	"CREATE TRIGGER shop_change_no_delete BEFORE DELETE ON shop_change BEGIN"
	" SELECT RAISE(ABORT, 'merchant information changes are append-only'); END;"
	"ALTER TABLE violation ADD COLUMN covered_fen INTEGER NOT NULL DEFAULT 0"
	" CHECK(covered_fen >= 0);"
	"UPDATE violation SET owed_fen = a.n, covered_fen = violation.owed_fen - a.n FROM ("
	" SELECT v.id AS vid, max(0, min(v.owed_fen, s.owed_fen - COALESCE(sum(v.owed_fen)"
	"  OVER (PARTITION BY v.shop_id ORDER BY v.id DESC"
	"  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))) AS n"
	" FROM violation v JOIN shop s ON s.id = v.shop_id) a"
	" WHERE violation.id = a.vid AND violation.owed_fen <> a.n;"
	"INSERT OR IGNORE INTO effective_date(day, cause, synced)"
	" SELECT DISTINCT effective, 'standards', 0 FROM standard;"
	"CREATE INDEX ledger_violation ON ledger(violation_id, kind) WHERE violation_id > 0;";


/* Version 8: the newbie period (新手期).
 *  - newbie: one row per shop, added by a trigger with the shop (status 1
 *    newbie; shop add --direct makes it 2 direct; graduation 3 with its
 *    date).  The state of the last check: capped since which day, the day
 *    of the last check and the reason bits it failed (rules.h).  Shops that
 *    existed before this version were never put in a newbie period: they
 *    are recorded as direct, so the first check caps nobody by surprise;
 *  - newbie_event: each cap start and lift, like restriction_event;
 *  - newbie_run: one row per checked day (a re-run of that day is a no-op);
 *  - score: the daily experience score in tenths, keyed (day, shop) so a
 *    day's import appends and a day's check reads one range;
 *  - risk: risk findings, at most one open per shop;
 *  - violation_day: the check counts violations of a 30-day window. */
static const char schema_v8[] =
	"CREATE TABLE newbie("
	" shop_id TEXT PRIMARY KEY NOT NULL REFERENCES shop(id),"
	" status INTEGER NOT NULL DEFAULT 1 CHECK(status IN (1,2,3)),"
	" graduated INTEGER, graduated_by TEXT,"
	" capped INTEGER NOT NULL DEFAULT 0 CHECK(capped IN (0,1)),"
	" capped_since INTEGER, last_check INTEGER,"
	" reasons INTEGER NOT NULL DEFAULT 0 CHECK(reasons BETWEEN 0 AND 31),"
	" CHECK((status = 3) = (graduated IS NOT NULL)),"
	" CHECK((capped = 1) = (capped_since IS NOT NULL)),"
	" CHECK(capped = 0 OR status = 1)) WITHOUT ROWID;"
	"CREATE INDEX newbie_capped ON newbie(shop_id) WHERE capped = 1;"
	"CREATE INDEX newbie_open ON newbie(shop_id) WHERE status = 1;"
	"INSERT INTO newbie(shop_id, status) SELECT id, 2 FROM shop ORDER BY id;"
	"CREATE TRIGGER newbie_ai AFTER INSERT ON shop BEGIN"
	" INSERT INTO newbie(shop_id) VALUES (new.id); END;"
	"CREATE TABLE newbie_event("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id), day INTEGER NOT NULL,"
	" capped INTEGER NOT NULL CHECK(capped IN (0,1)),"
	" reasons INTEGER NOT NULL, cause TEXT NOT NULL);"
	"CREATE INDEX newbie_event_shop ON newbie_event(shop_id, id);"
	"CREATE TABLE newbie_run("
	" day INTEGER PRIMARY KEY, checked INTEGER NOT NULL, failed INTEGER NOT NULL,"
	" capped INTEGER NOT NULL, lifted INTEGER NOT NULL, user TEXT NOT NULL);"
	"CREATE TABLE score("
	" day INTEGER NOT NULL, shop_id TEXT NOT NULL REFERENCES shop(id),"
	" tenths INTEGER NOT NULL CHECK(tenths BETWEEN 0 AND 50),"
	" PRIMARY KEY(day, shop_id)) WITHOUT ROWID;"
	"CREATE TABLE risk("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" opened INTEGER NOT NULL, opened_by TEXT NOT NULL, note TEXT NOT NULL,"
	" closed INTEGER, closed_by TEXT, close_note TEXT,"
	" CHECK((closed IS NULL) = (closed_by IS NULL)),"
	" CHECK(closed IS NULL OR closed >= opened));"
	"CREATE UNIQUE INDEX risk_one_open ON risk(shop_id) WHERE closed IS NULL;"
	"CREATE INDEX risk_shop ON risk(shop_id, id);"
	"CREATE INDEX violation_day ON violation(day, shop_id);";


/* Version 9: service providers (服务商, issue 14).  Their money is kept
 * apart: its own ledger (append-only, like the shops'), payee accounts,
 * bindings to shops, the shops' daily orders, complaints, renewal
 * assessments.  The refund table is rebuilt so an exit refund belongs to a
 * provider instead of a shop (exactly one of shop_id, provider_id), kind 3
 * = exit; everything else about refunds is unchanged. */
static const char schema_v9[] =
	"CREATE TABLE provider("
	" id TEXT PRIMARY KEY NOT NULL CHECK(length(id) BETWEEN 1 AND 32),"
	" name TEXT NOT NULL CHECK(length(name) >= 1),"
	" entity_name TEXT NOT NULL CHECK(length(entity_name) >= 1),"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2)),"
	" status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 5),"
	" added INTEGER NOT NULL,"
	" certified_on INTEGER, delisted_on INTEGER, exited_on INTEGER,"
	" balance_fen INTEGER NOT NULL DEFAULT 0 CHECK(balance_fen >= 0),"
	" frozen_fen INTEGER NOT NULL DEFAULT 0 CHECK(frozen_fen >= 0 AND frozen_fen <= balance_fen),"
	" version INTEGER NOT NULL DEFAULT 1,"
	" CHECK(status NOT IN (1,2) OR kind = 2),"
	" CHECK(status <> 2 OR certified_on IS NOT NULL),"
	" CHECK(status <> 3 OR delisted_on IS NOT NULL),"
	" CHECK((status = 5) = (exited_on IS NOT NULL)));"
	"CREATE INDEX provider_status ON provider(kind, status, certified_on);"
	"CREATE TABLE provider_ledger("
	" id INTEGER PRIMARY KEY,"
	" provider_id TEXT NOT NULL REFERENCES provider(id),"
	" day INTEGER NOT NULL,"
	" kind INTEGER NOT NULL CHECK(kind BETWEEN 1 AND 5),"
	" amount_fen INTEGER NOT NULL CHECK(amount_fen <> 0),"
	" balance_after INTEGER NOT NULL CHECK(balance_after >= 0),"
	" ref TEXT, note TEXT NOT NULL DEFAULT '',"
	" complaint_id INTEGER, refund_id INTEGER, user TEXT NOT NULL,"
	" CHECK(kind = 5 OR (kind = 1) = (amount_fen > 0)));"
	"CREATE INDEX provider_ledger_provider ON provider_ledger(provider_id, id);"
	"CREATE UNIQUE INDEX provider_ledger_ref ON provider_ledger(ref) WHERE ref IS NOT NULL;"
	"CREATE TRIGGER provider_ledger_no_update BEFORE UPDATE ON provider_ledger BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only: add a correction entry'); END;"
	"CREATE TRIGGER provider_ledger_no_delete BEFORE DELETE ON provider_ledger BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only: add a correction entry'); END;"
	"CREATE TABLE provider_payee("
	" id INTEGER PRIMARY KEY,"
	" provider_id TEXT NOT NULL REFERENCES provider(id),"
	" name TEXT NOT NULL, account TEXT NOT NULL CHECK(length(account) BETWEEN 4 AND 40),"
	" since INTEGER NOT NULL);"
	"CREATE INDEX provider_payee_provider ON provider_payee(provider_id, id);"
	"CREATE TABLE provider_binding("
	" id INTEGER PRIMARY KEY,"
	" provider_id TEXT NOT NULL REFERENCES provider(id),"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" from_day INTEGER NOT NULL, to_day INTEGER,"
	" CHECK(to_day IS NULL OR to_day >= from_day));"
	"CREATE INDEX provider_binding_provider ON provider_binding(provider_id, shop_id, from_day);"
	"CREATE INDEX provider_binding_shop ON provider_binding(shop_id);"
	"CREATE TABLE shop_orders("
	" shop_id TEXT NOT NULL REFERENCES shop(id), day INTEGER NOT NULL,"
	" paid INTEGER NOT NULL CHECK(paid >= 0),"
	" gift INTEGER NOT NULL CHECK(gift >= 0 AND gift <= paid),"
	" PRIMARY KEY(shop_id, day)) WITHOUT ROWID;"
	"CREATE TABLE provider_complaint("
	" id INTEGER PRIMARY KEY,"
	" provider_id TEXT NOT NULL REFERENCES provider(id),"
	" shop_id TEXT NOT NULL REFERENCES shop(id),"
	" day INTEGER NOT NULL,"
	" status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 4),"
	" frozen_fen INTEGER NOT NULL DEFAULT 0 CHECK(frozen_fen >= 0),"
	" amount_fen INTEGER NOT NULL DEFAULT 0 CHECK(amount_fen >= 0),"
	" note TEXT NOT NULL, reason TEXT, resolved INTEGER,"
	" user TEXT NOT NULL, upheld_by TEXT, second_by TEXT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" CHECK(status IN (1,2) OR frozen_fen = 0),"
	" CHECK((status IN (3,4)) = (resolved IS NOT NULL)),"
	" CHECK(upheld_by IS NULL OR upheld_by <> user),"
	" CHECK(second_by IS NULL OR (second_by <> user AND second_by <> upheld_by)));"
	"CREATE INDEX provider_complaint_provider ON provider_complaint(provider_id, id);"
	"CREATE TABLE assessment("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE CHECK(length(name) BETWEEN 1 AND 64),"
	" cutoff INTEGER NOT NULL, from_day INTEGER NOT NULL, to_day INTEGER NOT NULL,"
	" threshold INTEGER NOT NULL CHECK(threshold >= 0),"
	" deposit_fen INTEGER NOT NULL CHECK(deposit_fen >= 0),"
	" created_by TEXT NOT NULL, created_on INTEGER NOT NULL, closed_on INTEGER,"
	" CHECK(from_day <= to_day));"
	"CREATE TABLE assessment_result("
	" assessment_id INTEGER NOT NULL REFERENCES assessment(id),"
	" provider_id TEXT NOT NULL REFERENCES provider(id),"
	" orders INTEGER NOT NULL, deposit_fen INTEGER NOT NULL,"
	" outcome INTEGER NOT NULL CHECK(outcome IN (1,2)),"
	" PRIMARY KEY(assessment_id, provider_id)) WITHOUT ROWID;"
	"CREATE TABLE refund_new("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT REFERENCES shop(id),"
	" provider_id TEXT REFERENCES provider(id),"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2,3)),"
	" status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 6),"
	" amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	" submitted_on INTEGER NOT NULL, month INTEGER NOT NULL,"
	" window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,"
	" checklist INTEGER NOT NULL DEFAULT 0 CHECK(checklist BETWEEN 0 AND 15),"
	" late INTEGER NOT NULL DEFAULT 0 CHECK(late IN (0,1)),"
	" submitted_by TEXT NOT NULL, approved_by TEXT, approved_on INTEGER,"
	" second_by TEXT, paid_by TEXT, paid_on INTEGER,"
	" failure_reason TEXT, reject_reason TEXT,"
	" version INTEGER NOT NULL DEFAULT 1, changed_by TEXT NOT NULL,"
	" CHECK((shop_id IS NULL) <> (provider_id IS NULL)),"
	" CHECK((kind = 3) = (provider_id IS NOT NULL)),"
	" CHECK(window_start <= window_end),"
	" CHECK(status <> 3 OR (paid_on IS NOT NULL AND paid_by IS NOT NULL)),"
	" CHECK(approved_by IS NULL OR approved_by <> submitted_by),"
	" CHECK(paid_by IS NULL OR paid_by <> approved_by));"
	"INSERT INTO refund_new(id, shop_id, kind, status, amount_fen, submitted_on, month,"
	" window_start, window_end, checklist, late, submitted_by, approved_by, approved_on,"
	" second_by, paid_by, paid_on, failure_reason, reject_reason, version, changed_by)"
	" SELECT id, shop_id, kind, status, amount_fen, submitted_on, month,"
	" window_start, window_end, checklist, late, submitted_by, approved_by, approved_on,"
	" second_by, paid_by, paid_on, failure_reason, reject_reason, version, changed_by"
	" FROM refund ORDER BY id;"
	"DROP TABLE refund;"
	"ALTER TABLE refund_new RENAME TO refund;"
	"CREATE UNIQUE INDEX refund_one_open ON refund(shop_id) WHERE status IN (1,2);"
	"CREATE UNIQUE INDEX refund_provider_open ON refund(provider_id) WHERE status IN (1,2);"
	"CREATE INDEX refund_provider ON refund(provider_id) WHERE provider_id IS NOT NULL;"
	"CREATE INDEX refund_due ON refund(window_end, id);"
	"CREATE INDEX refund_shop ON refund(shop_id, month);"
	"CREATE INDEX refund_open_due ON refund(window_end, id) WHERE status IN (1,2);";

/* Version 10: tamper evidence for someone who can write the file (issue 10).
 *  - seal: one row per money-moving row (shops' money columns, ledger,
 *    refunds, payee accounts, violations, standards, merchant changes, and
 *    the service providers' money: provider, its ledger, payee accounts,
 *    bindings and complaints) holding the audit seq
 *    of the record its last change belongs to and a MAC of its values
 *    (bzj_seal: HMAC-SHA256 with the audit key, see store_seal.c).  The
 *    triggers call a function only bzj registers, so a plain sqlite3 shell
 *    cannot change these tables without dropping a trigger, which `bzj
 *    check` sees by comparing the schema with the one bzj creates.
 *  - rows that exist already are sealed here (without a key: the first
 *    open with a key re-seals every row whose plain seal still holds);
 *  - meta 'audit_keyed_from' (the first HMAC record) may not change. */
static const char schema_v10[] =
	"CREATE TABLE seal(tbl TEXT NOT NULL, rid NOT NULL, seq INTEGER NOT NULL,"
	" mac TEXT NOT NULL, PRIMARY KEY(tbl, rid)) WITHOUT ROWID;"
	"CREATE INDEX seal_seq ON seal(seq);"
	"CREATE TRIGGER seal_shop_ai AFTER INSERT ON shop"
	SEAL_BODY("shop", "new.id", SEAL_SHOP_COLS("new."))
	"CREATE TRIGGER seal_shop_au AFTER UPDATE OF id, " SEAL_SHOP_COLS("") " ON shop"
	SEAL_BODY("shop", "new.id", SEAL_SHOP_COLS("new."))
	"CREATE TRIGGER seal_ledger_ai AFTER INSERT ON ledger"
	SEAL_BODY("ledger", "new.id", SEAL_LEDGER_COLS("new."))
	"CREATE TRIGGER seal_refund_ai AFTER INSERT ON refund"
	SEAL_BODY("refund", "new.id", SEAL_REFUND_V10_COLS("new."))
	"CREATE TRIGGER seal_refund_au AFTER UPDATE ON refund"
	SEAL_BODY("refund", "new.id", SEAL_REFUND_V10_COLS("new."))
	"CREATE TRIGGER seal_payee_ai AFTER INSERT ON payee"
	SEAL_BODY("payee", "new.id", SEAL_PAYEE_COLS("new."))
	"CREATE TRIGGER seal_payee_au AFTER UPDATE ON payee"
	SEAL_BODY("payee", "new.id", SEAL_PAYEE_COLS("new."))
	"CREATE TRIGGER seal_violation_ai AFTER INSERT ON violation"
	SEAL_BODY("violation", "new.id", SEAL_VIOLATION_COLS("new."))
	"CREATE TRIGGER seal_violation_au AFTER UPDATE ON violation"
	SEAL_BODY("violation", "new.id", SEAL_VIOLATION_COLS("new."))
	"CREATE TRIGGER seal_standard_ai AFTER INSERT ON standard"
	SEAL_BODY("standard", SEAL_STANDARD_KEY("new."), SEAL_STANDARD_COLS("new."))
	"CREATE TRIGGER seal_standard_au AFTER UPDATE ON standard"
	SEAL_BODY("standard", SEAL_STANDARD_KEY("new."), SEAL_STANDARD_COLS("new."))
	"CREATE TRIGGER seal_shop_change_ai AFTER INSERT ON shop_change"
	SEAL_BODY("shop_change", "new.id", SEAL_SHOP_CHANGE_COLS("new."))
	"CREATE TRIGGER seal_provider_ai AFTER INSERT ON provider"
	SEAL_BODY("provider", "new.id", SEAL_PROVIDER_COLS("new."))
	"CREATE TRIGGER seal_provider_au AFTER UPDATE OF id, " SEAL_PROVIDER_COLS("") " ON provider"
	SEAL_BODY("provider", "new.id", SEAL_PROVIDER_COLS("new."))
	"CREATE TRIGGER seal_provider_ledger_ai AFTER INSERT ON provider_ledger"
	SEAL_BODY("provider_ledger", "new.id", SEAL_PROVIDER_LEDGER_COLS("new."))
	"CREATE TRIGGER seal_provider_payee_ai AFTER INSERT ON provider_payee"
	SEAL_BODY("provider_payee", "new.id", SEAL_PROVIDER_PAYEE_COLS("new."))
	"CREATE TRIGGER seal_provider_payee_au AFTER UPDATE ON provider_payee"
	SEAL_BODY("provider_payee", "new.id", SEAL_PROVIDER_PAYEE_COLS("new."))
	"CREATE TRIGGER seal_provider_binding_ai AFTER INSERT ON provider_binding"
	SEAL_BODY("provider_binding", "new.id", SEAL_PROVIDER_BINDING_COLS("new."))
	"CREATE TRIGGER seal_provider_binding_au AFTER UPDATE ON provider_binding"
	SEAL_BODY("provider_binding", "new.id", SEAL_PROVIDER_BINDING_COLS("new."))
	"CREATE TRIGGER seal_provider_complaint_ai AFTER INSERT ON provider_complaint"
	SEAL_BODY("provider_complaint", "new.id", SEAL_PROVIDER_COMPLAINT_COLS("new."))
	"CREATE TRIGGER seal_provider_complaint_au AFTER UPDATE ON provider_complaint"
	SEAL_BODY("provider_complaint", "new.id", SEAL_PROVIDER_COMPLAINT_COLS("new."))
	"CREATE TRIGGER meta_audit_keyed_fixed BEFORE UPDATE ON meta"
	" WHEN old.key = 'audit_keyed_from'"
	" BEGIN SELECT RAISE(ABORT, 'the audit key switch-over point is fixed'); END;"
	"CREATE TRIGGER meta_audit_keyed_keep BEFORE DELETE ON meta"
	" WHEN old.key = 'audit_keyed_from'"
	" BEGIN SELECT RAISE(ABORT, 'the audit key switch-over point is fixed'); END;"
	"INSERT INTO seal SELECT 'shop', id, 0, bzj_seal('shop', id, 0, " SEAL_SHOP_COLS("")
	") FROM shop;"
	"INSERT INTO seal SELECT 'ledger', id, 0, bzj_seal('ledger', id, 0, " SEAL_LEDGER_COLS("")
	") FROM ledger;"
	"INSERT INTO seal SELECT 'refund', id, 0, bzj_seal('refund', id, 0, " SEAL_REFUND_V10_COLS("")
	") FROM refund;"
	"INSERT INTO seal SELECT 'payee', id, 0, bzj_seal('payee', id, 0, " SEAL_PAYEE_COLS("")
	") FROM payee;"
	"INSERT INTO seal SELECT 'violation', id, 0, bzj_seal('violation', id, 0, "
	SEAL_VIOLATION_COLS("") ") FROM violation;"
	"INSERT INTO seal SELECT 'shop_change', id, 0, bzj_seal('shop_change', id, 0, "
	SEAL_SHOP_CHANGE_COLS("") ") FROM shop_change;"
	"INSERT INTO seal SELECT 'provider', id, 0, bzj_seal('provider', id, 0, "
	SEAL_PROVIDER_COLS("") ") FROM provider;"
	"INSERT INTO seal SELECT 'provider_ledger', id, 0, bzj_seal('provider_ledger', id, 0, "
	SEAL_PROVIDER_LEDGER_COLS("") ") FROM provider_ledger;"
	"INSERT INTO seal SELECT 'provider_payee', id, 0, bzj_seal('provider_payee', id, 0, "
	SEAL_PROVIDER_PAYEE_COLS("") ") FROM provider_payee;"
	"INSERT INTO seal SELECT 'provider_binding', id, 0, bzj_seal('provider_binding', id, 0, "
	SEAL_PROVIDER_BINDING_COLS("") ") FROM provider_binding;"
	"INSERT INTO seal SELECT 'provider_complaint', id, 0, bzj_seal('provider_complaint', id,"
	" 0, " SEAL_PROVIDER_COMPLAINT_COLS("") ") FROM provider_complaint;"
	"INSERT INTO seal SELECT 'standard', " SEAL_STANDARD_KEY("") ", 0, bzj_seal('standard', "
	SEAL_STANDARD_KEY("") ", 0, " SEAL_STANDARD_COLS("") ") FROM standard;";

/* Version 11: the files imported, by SHA-256, so the same top-up or
 * violation file is not applied twice (issue 10.3).  Filled from the
 * import records already in the audit log; append-only. */
static const char schema_v11[] =
	"CREATE TABLE import_file(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL,"
	" kind TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, day INTEGER NOT NULL,"
	" user TEXT NOT NULL, rows INTEGER NOT NULL, forced TEXT);"
	"CREATE INDEX import_file_sha ON import_file(sha256, kind, id);"
	"CREATE TRIGGER import_file_no_update BEFORE UPDATE ON import_file BEGIN"
	" SELECT RAISE(ABORT, 'the record of imported files is append-only'); END;"
	"CREATE TRIGGER import_file_no_delete BEFORE DELETE ON import_file BEGIN"
	" SELECT RAISE(ABORT, 'the record of imported files is append-only'); END;"
	"INSERT INTO import_file(sha256, kind, seq, at, day, user, rows)"
	" SELECT json_extract(after, '$.sha256'), substr(action, 8), seq, at, day, user,"
	" COALESCE(json_extract(after, '$.rows'), 0) FROM audit"
	" WHERE action LIKE 'import.%' AND json_valid(after)"
	" AND json_extract(after, '$.sha256') IS NOT NULL ORDER BY seq;";

/* Version 12: the console through a working day (issue 12).
 *  - shop_id_upper, shop_id_number: a shop is found by its id typed in any
 *    case (s0000167) and by its number alone (167, 0167): index ranges on
 *    upper(id) and on the id without its leading letters and zeros, so a
 *    keystroke stays an index lookup at a million shops;
 *  - violations newest first by their date, then id, for all shops, for
 *    the open ones and for one shop: keyset pages over (day, id). */
static const char schema_v12[] =
	"CREATE INDEX shop_id_upper ON shop(upper(id));"
	"CREATE INDEX shop_id_number ON shop(" SHOP_ID_NUMBER("id") ");"
	"CREATE INDEX violation_newest ON violation(day, id);"
	"CREATE INDEX violation_newest_open ON violation(day, id) WHERE status = 1;"
	"CREATE INDEX violation_shop_newest ON violation(shop_id, day, id);";

/* v13 (issue 15): bank payout batches.  A refund in a batch is `sent` (7):
 * still in progress (one per shop, its amount held back from what is
 * refundable) until the bank's return file says paid or failed.  The
 * refund table is rebuilt for the wider status CHECK, keeping every column
 * and index of v9 and adding batch_id, bank_ref and closed_on (the day it
 * was paid, failed, rejected or cancelled, for the queue report; filled
 * from the audit log for the refunds closed before). */
static const char schema_v13[] =
	"CREATE TABLE payout_batch("
	" id INTEGER PRIMARY KEY,"
	" day INTEGER NOT NULL,"
	" created_by TEXT NOT NULL, created_on INTEGER NOT NULL,"
	" file TEXT, file_sha256 TEXT NOT NULL CHECK(length(file_sha256) = 64),"
	" count INTEGER NOT NULL CHECK(count >= 0),"
	" total_fen INTEGER NOT NULL CHECK(total_fen >= 0),"
	" returned_on INTEGER);"
	"CREATE TABLE payout_return("
	" id INTEGER PRIMARY KEY,"
	" file_sha256 TEXT NOT NULL UNIQUE CHECK(length(file_sha256) = 64),"
	" day INTEGER NOT NULL, user TEXT NOT NULL,"
	" paid INTEGER NOT NULL, failed INTEGER NOT NULL);"
	"CREATE TABLE refund_new("
	" id INTEGER PRIMARY KEY,"
	" shop_id TEXT REFERENCES shop(id),"
	" provider_id TEXT REFERENCES provider(id),"
	" kind INTEGER NOT NULL CHECK(kind IN (1,2,3)),"
	" status INTEGER NOT NULL CHECK(status BETWEEN 1 AND 7),"
	" amount_fen INTEGER NOT NULL CHECK(amount_fen > 0),"
	" submitted_on INTEGER NOT NULL, month INTEGER NOT NULL,"
	" window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,"
	" checklist INTEGER NOT NULL DEFAULT 0 CHECK(checklist BETWEEN 0 AND 15),"
	" late INTEGER NOT NULL DEFAULT 0 CHECK(late IN (0,1)),"
	" submitted_by TEXT NOT NULL, approved_by TEXT, approved_on INTEGER,"
	" second_by TEXT, paid_by TEXT, paid_on INTEGER,"
	" failure_reason TEXT, reject_reason TEXT,"
	" version INTEGER NOT NULL DEFAULT 1, changed_by TEXT NOT NULL,"
	" batch_id INTEGER REFERENCES payout_batch(id), bank_ref TEXT, closed_on INTEGER,"
	" CHECK((shop_id IS NULL) <> (provider_id IS NULL)),"
	" CHECK((kind = 3) = (provider_id IS NOT NULL)),"
	" CHECK(window_start <= window_end),"
	" CHECK(status <> 3 OR (paid_on IS NOT NULL AND paid_by IS NOT NULL)),"
	" CHECK(status <> 7 OR (batch_id IS NOT NULL AND bank_ref IS NOT NULL)),"
	" CHECK((batch_id IS NULL) = (bank_ref IS NULL)),"
	" CHECK(approved_by IS NULL OR approved_by <> submitted_by),"
	" CHECK(paid_by IS NULL OR paid_by <> approved_by));"
	"INSERT INTO refund_new(id, shop_id, provider_id, kind, status, amount_fen, submitted_on,"
	" month, window_start, window_end, checklist, late, submitted_by, approved_by, approved_on,"
	" second_by, paid_by, paid_on, failure_reason, reject_reason, version, changed_by,"
	" closed_on)"
	" SELECT id, shop_id, provider_id, kind, status, amount_fen, submitted_on, month,"
	" window_start, window_end, checklist, late, submitted_by, approved_by, approved_on,"
	" second_by, paid_by, paid_on, failure_reason, reject_reason, version, changed_by,"
	" CASE WHEN status = 3 THEN paid_on WHEN status IN (4,5,6) THEN"
	" (SELECT max(a.day) FROM audit a WHERE a.object = 'refund:' || refund.id) END"
	" FROM refund ORDER BY id;"
	"DROP TABLE refund;"
	"ALTER TABLE refund_new RENAME TO refund;"
	"CREATE UNIQUE INDEX refund_one_open ON refund(shop_id) WHERE status IN (1,2,7);"
	"CREATE UNIQUE INDEX refund_provider_open ON refund(provider_id) WHERE status IN (1,2,7);"
	"CREATE INDEX refund_provider ON refund(provider_id) WHERE provider_id IS NOT NULL;"
	"CREATE INDEX refund_due ON refund(window_end, id);"
	"CREATE INDEX refund_shop ON refund(shop_id, month);"
	"CREATE INDEX refund_open_due ON refund(window_end, id) WHERE status IN (1,2,7);"
	"CREATE UNIQUE INDEX refund_bank_ref ON refund(bank_ref) WHERE bank_ref IS NOT NULL;"
	"CREATE INDEX refund_batch ON refund(batch_id) WHERE batch_id IS NOT NULL;"
	"CREATE INDEX refund_closed ON refund(closed_on) WHERE closed_on IS NOT NULL;"
	"CREATE INDEX refund_submitted ON refund(submitted_on);"
	"CREATE INDEX payout_batch_open ON payout_batch(day) WHERE returned_on IS NULL;"
	/* DROP TABLE refund took v10's seal triggers with it: put them back,
	 * now sealing batch_id, bank_ref and closed_on too, and reseal every
	 * refund under the wider list, keeping the audit record it names.
	 * Only a seal that still holds over v10's columns is renewed: a refund
	 * edited behind bzj's back before this migration stays flagged
	 * (check.seal).  Migrations run before the audit key is attached, so
	 * here only an unkeyed database's (plain) seals can be renewed; a
	 * keyed one is marked and renewed when its key is attached
	 * (bzj_store_reseal_pending, audit.c). */
	"CREATE TRIGGER seal_refund_ai AFTER INSERT ON refund"
	SEAL_BODY("refund", "new.id", SEAL_REFUND_COLS("new."))
	"CREATE TRIGGER seal_refund_au AFTER UPDATE ON refund"
	SEAL_BODY("refund", "new.id", SEAL_REFUND_COLS("new."))
	"UPDATE seal AS s SET mac = (SELECT bzj_seal_plain('refund', t.id, s.seq, "
	SEAL_REFUND_COLS("t.") ") FROM refund t WHERE t.id = s.rid) WHERE s.tbl = 'refund'"
	" AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'audit_keyed_from')"
	" AND s.mac = (SELECT bzj_seal_plain('refund', t.id, s.seq, " SEAL_REFUND_V10_COLS("t.")
	") FROM refund t WHERE t.id = s.rid);"
	"INSERT INTO meta(key, value) SELECT '" BZJ_RESEAL_PENDING "', 13 WHERE EXISTS"
	" (SELECT 1 FROM meta WHERE key = 'audit_keyed_from');"
	/* the bank batches: what was sent (count, total, the file's hash) and
	 * whether its return came back; the return files: which file, when,
	 * by whom, how many paid and failed (append-only).  A batch that ends
	 * up empty is deleted with its seal in the same transaction. */
	"CREATE TRIGGER seal_payout_batch_ai AFTER INSERT ON payout_batch"
	SEAL_BODY("payout_batch", "new.id", SEAL_PAYOUT_BATCH_COLS("new."))
	"CREATE TRIGGER seal_payout_batch_au AFTER UPDATE ON payout_batch"
	SEAL_BODY("payout_batch", "new.id", SEAL_PAYOUT_BATCH_COLS("new."))
	"CREATE TRIGGER seal_payout_return_ai AFTER INSERT ON payout_return"
	SEAL_BODY("payout_return", "new.id", SEAL_PAYOUT_RETURN_COLS("new."))
	"CREATE TRIGGER payout_return_no_update BEFORE UPDATE ON payout_return BEGIN"
	" SELECT RAISE(ABORT, 'the record of bank return files is append-only'); END;"
	"CREATE TRIGGER payout_return_no_delete BEFORE DELETE ON payout_return BEGIN"
	" SELECT RAISE(ABORT, 'the record of bank return files is append-only'); END;";

/* Version 14: the settings the database runs under (issue 16).  Roles,
 * identity and refund limits stay in each host's root-owned config; the
 * database keeps, append-only and sealed, the canonical text of the last
 * agreed settings and its SHA-256, so a host whose config differs is
 * refused writes (core/settings.c).  The newest row is in force.  Rows
 * are written by bzj only: the first run under a config, and `bzj
 * settings accept` by a supervisor, each with its audit record. */
static const char schema_v14[] =
	"CREATE TABLE settings("
	" seq INTEGER PRIMARY KEY,"
	" fingerprint TEXT NOT NULL CHECK(length(fingerprint) = 64),"
	" doc TEXT NOT NULL,"
	" day INTEGER NOT NULL,"
	" user TEXT NOT NULL);"
	"CREATE TRIGGER seal_settings_ai AFTER INSERT ON settings"
	SEAL_BODY("settings", "new.seq", SEAL_SETTINGS_COLS("new."))
	"CREATE TRIGGER settings_no_update BEFORE UPDATE ON settings BEGIN"
	" SELECT RAISE(ABORT, 'the record of settings is append-only'); END;"
	"CREATE TRIGGER settings_no_delete BEFORE DELETE ON settings BEGIN"
	" SELECT RAISE(ABORT, 'the record of settings is append-only'); END;";

/* Version 15: month-start bulk jobs that never stall the desk (issue 13).
 *  - bulk_job: one row per bulk run (recompute, import gmv).  A job
 *    writes its rows in short slices tagged with its id while its state is
 *    0 (staging); readers see a tagged row only once the job is 1
 *    (published), which one small transaction sets at the end; 2 is an
 *    abandoned job whose rows the next run deletes.  Rows with job 0 are
 *    the ones written before this version and by single-row commands.
 *  - floating and gmv carry the job in their key: a (shop, month) may
 *    have a published figure and a newer staged one side by side; readers
 *    take the newest published (BULK_VISIBLE in store_priv.h).  The key
 *    columns come first: SQLite 3.40's integrity_check reports a false
 *    "NULL value" in a WITHOUT ROWID table whose key column follows a
 *    non-key one.
 *  - no index on the job: a second B-tree insert for every staged row
 *    doubled the cost of a staged row (the recompute ran +77% against the
 *    single statement it replaces).  An abandoned job's rows are found
 *    instead through the key itself: its months (m_lo..m_hi) and the
 *    shops, walked by rowid in slices; `clean` is the shop rowid its
 *    clean-up has reached, so a clean-up stopped half-way resumes.
 *  - floating_month0: the months that have figures of job 0 (`demo`, and
 *    the rows from before this version); staged rows never enter it.  A
 *    recompute asks it whether any figure of its month is visible yet
 *    (store_bulk.c, bzj_store_floating_month_seen). */
static const char schema_v15[] =
	"CREATE TABLE bulk_job("
	" id INTEGER PRIMARY KEY, kind TEXT NOT NULL, arg TEXT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0 CHECK(state IN (0,1,2)),"
	" user TEXT NOT NULL, started INTEGER NOT NULL, rows INTEGER NOT NULL DEFAULT 0,"
	" beat INTEGER NOT NULL DEFAULT 0, m_lo INTEGER NOT NULL, m_hi INTEGER NOT NULL,"
	" clean INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX bulk_job_open ON bulk_job(kind, arg) WHERE state <> 1;"
	"CREATE TABLE floating_new("
	" shop_id TEXT NOT NULL REFERENCES shop(id), month INTEGER NOT NULL,"
	" job INTEGER NOT NULL DEFAULT 0,"
	" gmv_fen INTEGER NOT NULL CHECK(gmv_fen >= 0),"
	" floating_fen INTEGER NOT NULL CHECK(floating_fen >= 0),"
	" effective INTEGER NOT NULL,"
	" PRIMARY KEY(shop_id, month, job)) WITHOUT ROWID;"
	"INSERT INTO floating_new(shop_id, month, gmv_fen, floating_fen, effective)"
	" SELECT shop_id, month, gmv_fen, floating_fen, effective FROM floating;"
	"DROP TABLE floating;"
	"ALTER TABLE floating_new RENAME TO floating;"
	"CREATE INDEX floating_month0 ON floating(month) WHERE job = 0;"
	"CREATE TABLE gmv_new("
	" shop_id TEXT NOT NULL REFERENCES shop(id), month INTEGER NOT NULL,"
	" job INTEGER NOT NULL DEFAULT 0, gmv_fen INTEGER NOT NULL CHECK(gmv_fen >= 0),"
	" PRIMARY KEY(month, shop_id, job)) WITHOUT ROWID;"
	"INSERT INTO gmv_new(shop_id, month, gmv_fen)"
	" SELECT shop_id, month, gmv_fen FROM gmv ORDER BY month, shop_id;"
	"DROP TABLE gmv;"
	"ALTER TABLE gmv_new RENAME TO gmv;";

/* Running (prefix) sums of each shop's orders, so that a binding's orders
 * over [lo, hi] are two primary-key lookups, net_cum at the last row on or
 * before hi minus net_cum at the last row before lo, whatever the size of
 * the order table (issue 14: the providers panel and `assess show` at a
 * million shops, 18M order rows).  net_cum is the shop's sum of
 * paid - gift over every row up to and including this day, gift_cum the
 * same of gift.  Kept by `import orders` alone (a re-imported day shifts
 * that shop's later rows only); `bzj check` recomputes them from the raw
 * columns (check.orders_prefix).  A per-(provider, assessment) rollup was
 * the other choice: one lookup per provider, but bind, unbind, end,
 * import and creating an assessment would all have to keep it, and a
 * console run --today inside a period would need a second one; the prefix
 * depends on the raw rows only. */
static const char schema_v16[] =
	"ALTER TABLE shop_orders ADD COLUMN net_cum INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE shop_orders ADD COLUMN gift_cum INTEGER NOT NULL DEFAULT 0;"
	"UPDATE shop_orders AS o SET net_cum = c.n, gift_cum = c.g FROM (SELECT shop_id, day,"
	" sum(paid - gift) OVER w AS n, sum(gift) OVER w AS g FROM shop_orders"
	" WINDOW w AS (PARTITION BY shop_id ORDER BY day)) AS c"
	" WHERE o.shop_id = c.shop_id AND o.day = c.day;";

/* The refund queue's load line (due today, overdue, awaiting a second
 * approval, by age) as range counts over covering partial indexes rather
 * than one pass reading every open refund row: at a million shops with
 * 37,753 open refunds the pass took 89 ms on entering the queue (the
 * console's budget is 20 ms), the counts take 3 ms.  Each index names
 * the column the queue counts by and status, so no count reads the
 * table; the awaiting-second index has the queue's own condition. */
static const char schema_v17[] =
	"DROP INDEX refund_open_due;"
	"CREATE INDEX refund_open_due ON refund(window_end, id, status) WHERE status IN (1,2,7);"
	"CREATE INDEX refund_open_age ON refund(submitted_on, status) WHERE status IN (1,2,7);"
	"CREATE INDEX refund_await_second ON refund(amount_fen, status, second_by)"
	" WHERE status = 2 AND COALESCE(second_by, '') = '';";

/* Issue 13, the remaining bulk writers (store_bulk.c): a sliced score
 * import tags its rows with its job like gmv and floating (readers add
 * BULK_VISIBLE; the key stays (day, shop_id), the job is not in it since a
 * day's score is written once), and a job records the process that runs
 * it, so a second run of an exclusive job can tell a live first run (it is
 * refused, bulk.running) from one killed on this host (taken over at once
 * rather than after BULK_STALE_S). */
static const char schema_v18[] =
	"ALTER TABLE score ADD COLUMN job INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bulk_job ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bulk_job ADD COLUMN host TEXT NOT NULL DEFAULT '';";

/* A bank batch sends its refunds in one statement under one audit record,
 * the batch's ("payout.batch", object "payout_batch:ID"), which each sent
 * refund's seal names; a return file closes its shops' refunds the same
 * way under its one record ("payout.return"), which the refunds' seals
 * name from then on.  A refund's history (`refund show`, `audit log
 * --shop`) and `bzj check` find the batch's record through the refund's
 * batch_id and the return's through the refund's seal: these indexes make
 * that a lookup instead of a scan of the log (only those records are in
 * them, so other audit inserts skip them). */
static const char schema_v19[] =
	"CREATE INDEX audit_batch ON audit(object) WHERE action = 'payout.batch';"
	"CREATE INDEX audit_return ON audit(seq) WHERE action = 'payout.return';";

/* Issue 13, the newbie check as a bulk job (newbie.c argues it): each
 * slice stages the outcome of a slice of newbie shops as rows of the job;
 * publishing writes the cap transitions and the run; the outcome is then
 * folded into newbie in slices, readers overlaying a published job's rows
 * on newbie until it is (NB_SEEN in store_priv.h).  Only the shops whose
 * cap, cap date or reasons change are staged; the day of the last check,
 * which changes for every shop, is the job's own (m_lo), overlaid by
 * readers (NB_LAST_SEEN) and written by the fold, whose progress is
 * bulk_job.upto, the last shop folded.  No index on the job:
 * a second B-tree for every staged row cost more than it saves, since the
 * table holds one job's rows at a time (a check folds the last one before
 * it stages); newbie_stage_turn finds the few transitions at publish
 * without reading the day's every row. */
static const char schema_v20[] =
	"CREATE TABLE newbie_stage("
	" shop_id TEXT NOT NULL, job INTEGER NOT NULL, was INTEGER NOT NULL,"
	" capped INTEGER NOT NULL CHECK(capped IN (0,1)), capped_since INTEGER,"
	" last_check INTEGER NOT NULL, reasons INTEGER NOT NULL,"
	" PRIMARY KEY(shop_id, job)) WITHOUT ROWID;"
	"CREATE INDEX newbie_stage_turn ON newbie_stage(job) WHERE capped <> was;"
	"ALTER TABLE bulk_job ADD COLUMN upto TEXT NOT NULL DEFAULT '';";

/* Issue 15: the open-refund partial indexes by REFUND_OPEN (store_priv.h)
 * instead of an IN list of three constants, which SQLite evaluates through
 * a temporary b-tree built and cleared for the old and the new row of
 * every status UPDATE (a bank batch's UPDATE of 18,588 refunds at 1M
 * shops: 0.51 s, now 0.19 s).  The queries say REFUND_OPEN too, as SQLite
 * uses a partial index only when a query's condition is its predicate. */
#define OPEN_V21 REFUND_OPEN("")
static const char schema_v21[] =
	"DROP INDEX refund_one_open;"
	"DROP INDEX refund_provider_open;"
	"DROP INDEX refund_open_due;"
	"DROP INDEX refund_open_age;"
	"CREATE UNIQUE INDEX refund_one_open ON refund(shop_id) WHERE " OPEN_V21 ";"
	"CREATE UNIQUE INDEX refund_provider_open ON refund(provider_id) WHERE " OPEN_V21 ";"
	"CREATE INDEX refund_open_due ON refund(window_end, id, status) WHERE " OPEN_V21 ";"
	"CREATE INDEX refund_open_age ON refund(submitted_on, status) WHERE " OPEN_V21 ";";

/* Issue 13, `import orders` as a bulk job (core/import.c orders_write):
 * shop_orders carries the job in its key like gmv and floating, so a
 * (shop, day) may have a published row and a newer staged one side by
 * side; readers take the newest visible (BULK_VISIBLE, then the highest
 * job: ORD_NEWEST in store_priv.h).  A re-imported day stages new versions
 * of the shop's later days too (their running sums move), so publishing
 * stays the flip of the job's state.  Key columns first, as in v15. */
static const char schema_v22[] =
	"CREATE TABLE shop_orders_new("
	" shop_id TEXT NOT NULL REFERENCES shop(id), day INTEGER NOT NULL,"
	" job INTEGER NOT NULL DEFAULT 0,"
	" paid INTEGER NOT NULL CHECK(paid >= 0),"
	" gift INTEGER NOT NULL CHECK(gift >= 0 AND gift <= paid),"
	" net_cum INTEGER NOT NULL DEFAULT 0, gift_cum INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(shop_id, day, job)) WITHOUT ROWID;"
	"INSERT INTO shop_orders_new(shop_id, day, paid, gift, net_cum, gift_cum)"
	" SELECT shop_id, day, paid, gift, net_cum, gift_cum FROM shop_orders ORDER BY shop_id, day;"
	"DROP TABLE shop_orders;"
	"ALTER TABLE shop_orders_new RENAME TO shop_orders;";

/* v23: PostgreSQL only: the bigrams lower-cased as SQLite's lower() does.
 * (It also made pg_trgm's indexes for the 3+ character search; v27's
 * trigram postings replaced them.)  SQLite: nothing to do (a comment is a
 * valid script). */
static const char schema_v23[] = "-- v23: PostgreSQL only (the bigrams' lower case)\n";

/* Issue 13, resumable imports of shops, top-ups and violations (core/
 * import.c, above row_shop): a file is applied in slices of whole,
 * audited rows, and its run is recorded here, advanced in every slice's
 * own transaction: next_line is the first line not yet applied, rows and
 * replayed count what the slices applied.  state 0 incomplete (a crash or
 * Ctrl-C left it; the same file again resumes at next_line), 1 complete,
 * 2 abandoned (a supervisor forced another file past it).  import_file
 * stays the append-only record of complete imports (the duplicate rule);
 * this table needs a state, which that one's guard forbids.  One
 * incomplete run of a kind at a time. */
static const char schema_v24[] =
	"CREATE TABLE import_run(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL,"
	" kind TEXT NOT NULL, by_user TEXT NOT NULL, at TEXT NOT NULL, day INTEGER NOT NULL,"
	" next_line INTEGER NOT NULL, rows INTEGER NOT NULL DEFAULT 0,"
	" replayed INTEGER NOT NULL DEFAULT 0,"
	" state INTEGER NOT NULL DEFAULT 0 CHECK(state IN (0,1,2)));"
	"CREATE UNIQUE INDEX import_run_open ON import_run(kind) WHERE state = 0;"
	"CREATE TRIGGER import_run_no_delete BEFORE DELETE ON import_run BEGIN"
	" SELECT RAISE(ABORT, 'the record of import runs is kept'); END;";

/* v25: PostgreSQL only: gmv's shop check as one set-based test per
 * statement instead of the foreign key's query per row (core/store_money.c,
 * gmv_import_pg, has the measurement).  SQLite's foreign key is an index
 * probe per row and stays: nothing to do there. */
static const char schema_v25[] = "-- v25: PostgreSQL only (gmv's shop check per statement)\n";

/* v26: PostgreSQL only: the id search's expression indexes carry the id
 * and rowid (INCLUDE), so that PostgreSQL can read a range of them
 * without the table; SQLite's expression indexes hold the rowid anyway. */
static const char schema_v26[] = "-- v26: PostgreSQL only (id search indexes INCLUDE id, rowid)\n";

/* v27: PostgreSQL only: the 3+ character search's trigram postings,
 * shop_tri(gram, shop_id, pos) (store_list.c has the plan and the
 * measurements).  SQLite has FTS5: nothing to do there. */
static const char schema_v27[] = "-- v27: PostgreSQL only (the search's trigram postings)\n";

/* Forward migrations: index i takes user_version i to i+1. */
static const char *const migrations[] = {schema_v1, schema_v2, schema_v3, schema_v4, schema_v5,
					      schema_v6, schema_v7, schema_v8, schema_v9, schema_v10,
					      schema_v11, schema_v12, schema_v13, schema_v14, schema_v15,
					      schema_v16, schema_v17, schema_v18,
					      schema_v19, schema_v20, schema_v21, schema_v22, schema_v23,
					      schema_v24, schema_v25, schema_v26, schema_v27};
_Static_assert(sizeof migrations / sizeof migrations[0] == BZJ_SCHEMA_VERSION,
	       "BZJ_SCHEMA_VERSION is the number of migrations");

/* PostgreSQL (issue 16): an empty database gets the baseline schema
 * (core/store_pg_schema.sql, the SQLite schema at BZJ_PG_BASELINE), then
 * these, the PostgreSQL forms of the migrations after it: index i takes
 * BZJ_PG_BASELINE + i to the next version.  A separate array rather than a
 * second field of migrations[]: the migrations before the baseline have
 * no PostgreSQL form and never will.  Append the PostgreSQL form here
 * with every new migration above (written for PostgreSQL; the driver's
 * rewriter leaves PostgreSQL's own syntax alone); a missing one leaves its slot NULL
 * and a PostgreSQL database is refused at that version with store.version
 * (tests/pg/driver.c prints what the schema lacks). */
static const char *const migrations_pg[BZJ_SCHEMA_VERSION - BZJ_PG_BASELINE] = {
	/* v18: score.job, bulk_job.pid, bulk_job.host */
	"ALTER TABLE score ADD COLUMN job bigint NOT NULL DEFAULT 0;"
	"ALTER TABLE bulk_job ADD COLUMN pid bigint NOT NULL DEFAULT 0;"
	"ALTER TABLE bulk_job ADD COLUMN host text NOT NULL DEFAULT '';",
	/* v19: the audit indexes of the batch and the return */
	"CREATE INDEX audit_batch ON audit(object) WHERE action = 'payout.batch';"
	"CREATE INDEX audit_return ON audit(seq) WHERE action = 'payout.return';",
	/* v20: the newbie check's staging table and bulk_job.upto; like every
	 * table, it bumps data_version and the bzj role may use it */
	"CREATE TABLE newbie_stage("
	" shop_id text NOT NULL, job bigint NOT NULL, was bigint NOT NULL,"
	" capped bigint NOT NULL CHECK(capped IN (0,1)), capped_since bigint,"
	" last_check bigint NOT NULL, reasons bigint NOT NULL,"
	" PRIMARY KEY(shop_id, job));"
	"CREATE INDEX newbie_stage_turn ON newbie_stage(job) WHERE capped <> was;"
	"ALTER TABLE bulk_job ADD COLUMN upto text NOT NULL DEFAULT '';"
	"CREATE TRIGGER newbie_stage_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON newbie_stage"
	" FOR EACH STATEMENT EXECUTE FUNCTION bzj_dv_bump();"
	"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bzj') THEN"
	" GRANT SELECT, INSERT, UPDATE, DELETE ON newbie_stage TO bzj; END IF; END $$;",
	/* v21: the open-refund partial indexes by REFUND_OPEN; PostgreSQL
	 * proves a query's condition implies an index's, but not that
	 * `status < 3 OR status = 7` implies `status IN (1,2,7)` (it does not
	 * know the CHECK), so its indexes say it in the queries' words too */
	schema_v21,
	/* v22: shop_orders.job in the key (import orders as a bulk job); the
	 * table keeps its data_version trigger and grants */
	"ALTER TABLE shop_orders ADD COLUMN job bigint NOT NULL DEFAULT 0;"
	"ALTER TABLE shop_orders DROP CONSTRAINT shop_orders_pkey;"
	"ALTER TABLE shop_orders ADD PRIMARY KEY (shop_id, day, job);",
	/* v23: the bigrams lower-cased as SQLite's lower() does (ASCII only:
	 * COLLATE "C"), whatever the database's LC_CTYPE (a UTF-8 one would
	 * fold other letters too and find shops SQLite does not); the rows
	 * of the few shops whose grams that changes are cut again.  (It made
	 * pg_trgm's indexes too, where the server allowed; v27 drops them.) */
	"CREATE OR REPLACE FUNCTION bzj_grams(a text, b text) RETURNS SETOF text LANGUAGE sql"
	" IMMUTABLE AS $$ SELECT DISTINCT substr(s, i, 2) FROM (VALUES (lower(a COLLATE \"C\")),"
	" (lower(b COLLATE \"C\"))) AS src(s), generate_series(1, length(s)) AS i"
	" WHERE length(s) > 0 $$;"
	/* in a DO block, whose statements PostgreSQL resolves only when they
	 * run: `bzj check` builds the expected schema in pg_temp (no shops,
	 * and a bzj_grams there that no function lookup searches) */
	"DO $$ BEGIN"
	" CREATE TEMP TABLE regram AS SELECT id, name, operator_name FROM shop"
	" WHERE lower(name) <> lower(name COLLATE \"C\")"
	" OR lower(operator_name) <> lower(operator_name COLLATE \"C\");"
	" IF EXISTS (SELECT 1 FROM regram) THEN"
	"  DELETE FROM shop_gram WHERE shop_id IN (SELECT id FROM regram);"
	"  INSERT INTO shop_gram(gram, shop_id) SELECT g, r.id FROM regram r,"
	"  bzj_grams(r.name, r.operator_name) AS g ON CONFLICT DO NOTHING;"
	" END IF;"
	" DROP TABLE regram; END $$;",
	/* v24: import_run (resumable imports); it bumps data_version and the
	 * bzj role may use it (no DELETE granted: bzj never deletes a run,
	 * which SQLite's no-delete trigger says there) */
	"CREATE TABLE import_run(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" sha256 text NOT NULL, kind text NOT NULL, by_user text NOT NULL, at text NOT NULL,"
	" day bigint NOT NULL, next_line bigint NOT NULL, rows bigint NOT NULL DEFAULT 0,"
	" replayed bigint NOT NULL DEFAULT 0,"
	" state bigint NOT NULL DEFAULT 0 CHECK(state IN (0,1,2)));"
	"CREATE UNIQUE INDEX import_run_open ON import_run(kind) WHERE state = 0;"
	"CREATE TRIGGER import_run_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON import_run"
	" FOR EACH STATEMENT EXECUTE FUNCTION bzj_dv_bump();"
	"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bzj') THEN"
	" GRANT SELECT, INSERT, UPDATE ON import_run TO bzj; END IF; END $$;",
	/* v25: gmv's foreign key to shop replaced by statement triggers that
	 * test every new or changed row at once through the statement's
	 * transition table (an anti-join on shop's key), and a row trigger on
	 * shop that keeps a shop gmv names from being deleted or renamed
	 * (bzj does neither; the ledger's keys refuse it too).  The foreign
	 * key ran one query per inserted row that also locked the shop's row
	 * (FOR KEY SHARE: a write to the shop's page), 60% of `import gmv`
	 * (store_money.c, gmv_import_pg).  What the lock added: a shop
	 * deleted by another transaction between the test and the commit.
	 * bzj's writers are serialised by the writer lock and run
	 * SERIALIZABLE, where such a pair is a read-write conflict PostgreSQL
	 * aborts.  The error is the foreign key's (23503, same text), so a
	 * refused import reads the same. */
	"ALTER TABLE gmv DROP CONSTRAINT gmv_shop_id_fkey;"
	"CREATE FUNCTION bzj_gmv_shop() RETURNS trigger LANGUAGE plpgsql AS $$"
	" DECLARE s text; BEGIN"
	" SELECT n.shop_id INTO s FROM bzj_new n"
	" WHERE NOT EXISTS (SELECT 1 FROM shop WHERE shop.id = n.shop_id) LIMIT 1;"
	" IF FOUND THEN RAISE EXCEPTION"
	" 'insert or update on table \"gmv\" violates foreign key constraint \"gmv_shop_id_fkey\"'"
	" USING ERRCODE = '23503',"
	" DETAIL = format('Key (shop_id)=(%s) is not present in table \"shop\".', s);"
	" END IF; RETURN NULL; END $$;"
	"CREATE TRIGGER gmv_shop_ai AFTER INSERT ON gmv REFERENCING NEW TABLE AS bzj_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION bzj_gmv_shop();"
	"CREATE TRIGGER gmv_shop_au AFTER UPDATE ON gmv REFERENCING NEW TABLE AS bzj_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION bzj_gmv_shop();"
	"CREATE FUNCTION bzj_shop_gmv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN RETURN NULL; END IF;"
	" IF EXISTS (SELECT 1 FROM gmv WHERE shop_id = OLD.id) THEN RAISE EXCEPTION"
	" 'update or delete on table \"shop\" violates foreign key constraint \"gmv_shop_id_fkey\" on table \"gmv\"'"
	" USING ERRCODE = '23503',"
	" DETAIL = format('Key (id)=(%s) is still referenced from table \"gmv\".', OLD.id);"
	" END IF; RETURN NULL; END $$;"
	"CREATE TRIGGER shop_gmv_keep AFTER DELETE OR UPDATE OF id ON shop"
	" FOR EACH ROW EXECUTE FUNCTION bzj_shop_gmv();",
	/* v26: a search's memo sizes the ids a term matches, up to 4,000
	 * (store_list.c src_size): SELECT rowid FROM shop WHERE <expression>
	 * in a range.  PostgreSQL scans an expression index without the
	 * table only when the index holds every column the query names, the
	 * expression's own included; without them it read the range through
	 * the primary key with the expression as a filter (a digit at a
	 * million shops: 92,000 shops, 200-330 ms). */
	"DROP INDEX shop_id_upper; DROP INDEX shop_id_number;"
	"CREATE INDEX shop_id_upper ON shop(upper(id)) INCLUDE (id, rowid);"
	"CREATE INDEX shop_id_number ON shop(" SHOP_ID_NUMBER("id") ") INCLUDE (id, rowid);"
	/* a new expression index has no statistics until the table is
	 * analysed; without them the planner guessed 5,000 matches for any
	 * id prefix and walked the primary key (S0500 at a million shops:
	 * 2.3 s instead of milliseconds) */
	"ANALYZE shop;",
	/* v27: the 3+ character search's trigram postings (store_list.c
	 * tri_chain), kept by a row trigger on shop as the bigrams are, in
	 * place of pg_trgm's indexes (dropped: they served only that search,
	 * and cost every write to a name) */
	"DROP INDEX IF EXISTS shop_name_trgm; DROP INDEX IF EXISTS shop_operator_trgm;"
	"CREATE TABLE shop_tri(gram text COLLATE \"C\" NOT NULL, shop_id text NOT NULL,"
	" pos integer NOT NULL, PRIMARY KEY(gram, shop_id, pos));" SHOP_TRI_FILL ";"
	"CREATE FUNCTION bzj_shop_tri() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" IF TG_OP IN ('UPDATE', 'DELETE') THEN"
	"  IF TG_OP = 'UPDATE' AND OLD.id IS NOT DISTINCT FROM NEW.id"
	"   AND OLD.name IS NOT DISTINCT FROM NEW.name"
	"   AND OLD.operator_name IS NOT DISTINCT FROM NEW.operator_name THEN RETURN NULL; END IF;"
	"  DELETE FROM shop_tri t USING (SELECT substr(v.s, i, 3) AS g, i + v.b AS p FROM"
	SHOP_TRI_CUT("OLD.name", "OLD.operator_name") ") AS o"
	"   WHERE t.gram = o.g AND t.shop_id = OLD.id AND t.pos = o.p;"
	" END IF;"
	" IF TG_OP IN ('UPDATE', 'INSERT') THEN"
	"  INSERT INTO shop_tri(gram, shop_id, pos) SELECT substr(v.s, i, 3), NEW.id, i + v.b FROM"
	SHOP_TRI_CUT("NEW.name", "NEW.operator_name") ";"
	" END IF; RETURN NULL; END $$;"
	"CREATE TRIGGER shop_tri_aiud AFTER INSERT OR DELETE OR UPDATE OF id, name, operator_name"
	" ON shop FOR EACH ROW EXECUTE FUNCTION bzj_shop_tri();"
	"CREATE TRIGGER shop_tri_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON shop_tri"
	" FOR EACH STATEMENT EXECUTE FUNCTION bzj_dv_bump();"
	"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bzj') THEN"
	" GRANT SELECT, INSERT, DELETE ON shop_tri TO bzj; END IF; END $$;"
	"ANALYZE shop_tri;",
};

const char *bzj_pg_migration(int v)
{
	if (v < BZJ_PG_BASELINE || v >= BZJ_SCHEMA_VERSION)
		return NULL;
	return migrations_pg[v - BZJ_PG_BASELINE];
}

/* A write that failed on the file-size limit (RLIMIT_FSIZE): EFBIG, or
 * a short write SQLite calls "full" while the disk has room. */
static bool file_limited(bzj_db *db, int sys)
{
	if (sys == EFBIG)
		return true;
	struct rlimit rl;
	struct statvfs vfs;
	return getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && db &&
	       db->path[0] && statvfs(db->path, &vfs) == 0 &&
	       (uint64_t)vfs.f_bavail * vfs.f_frsize > ((uint64_t)1 << 24);
}

/* The last error's text: the connection's, or the code's when there is
 * no connection. */
static const char *errmsg_of(bzj_db *db, int rc)
{
	if (db && db->conn)
		return db->drv->errmsg(db->conn);
	if (db && db->drv && db->drv->errstr)
		return db->drv->errstr(rc);
	return "cannot open";
}

int st_error(bzj_db *db, int rc, bzj_err *e)
{
	const char *m = errmsg_of(db, rc);
	int sys = db && db->conn && db->drv->sys_errno ? db->drv->sys_errno(db->conn) : 0;
	/* SQLite reports a full disk or a read-only file system as a plain
	 * I/O or open error; the system errno says which it was. */
	if ((rc & 0xff) == ST_IOERR && (sys == ENOSPC || sys == EDQUOT))
		rc = ST_FULL;
	if (((rc & 0xff) == ST_IOERR || (rc & 0xff) == ST_FULL) && file_limited(db, sys))
		return bzj_fail(e, BZJ_EIO, "store.file_too_large",
				_("a file of the database reached the file-size limit of this "
				  "process (ulimit -f); nothing was written. Raise the limit (%s)"),
				m);
	struct statvfs vfs;
	if (((rc & 0xff) == ST_IOERR || (rc & 0xff) == ST_CANTOPEN) &&
	    (sys == EROFS || sys == EACCES || sys == EPERM ||
	     (db && db->path[0] && statvfs(db->path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))))
		rc = ST_READONLY;
	switch (rc & 0xff) {
	case ST_BUSY:
	case ST_LOCKED:
		/* a serialisation failure is re-run; a lock_timeout (ST_LOCKED)
		 * and the writer lock (bzj_db_begin) have waited already */
		if ((rc & 0xff) == ST_BUSY && db && db->drv && st_is_pg(db))
			db->busy_retry = true;
		return bzj_fail(e, BZJ_EBUSY, "store.busy",
				_("the database is busy (another operator is writing); try again"));
	case ST_FULL:
		return bzj_fail(e, BZJ_EIO, "store.full",
				_("the disk is full; nothing was written (%s)"), m);
	case ST_READONLY:
		return bzj_fail(e, BZJ_EIO, "store.readonly",
				_("the database is read-only; nothing was written (%s)"), m);
	case ST_CONSTRAINT:
		return bzj_fail(e, BZJ_ERULE, "store.constraint",
				_("refused by a database invariant: %s"), m);
	case ST_INTERRUPT:
		return bzj_fail(e, BZJ_EBUSY, "interrupted", _("interrupted; nothing was written"));
	case ST_CORRUPT:
	case ST_NOTADB:
		return bzj_fail(e, BZJ_EIO, "store.corrupt",
				_("the database file is damaged or not a bzj database: %s"), m);
	default:
		return bzj_fail(e, BZJ_EIO, "store.io", _("database error: %s"), m);
	}
}

st_stmt *st_prep(bzj_db *db, const char *sql, bzj_err *e)
{
	if (db->demo && st_demo_flush(db, e))
		return NULL; /* the demo's rows first (store_demo.c) */
	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].sql == sql) {
			st_stmt *st = &db->cache[i];
			st_reset(st); /* and clears the bindings */
			return st;
		}
	}
	bzj_stmt *s = NULL;
	int rc = db->drv->prepare(db->conn, sql, &s);
	if (rc != ST_OK) {
		st_error(db, rc, e);
		return NULL;
	}
	int k = db->ncache < STMT_CACHE ? db->ncache++ : STMT_CACHE - 1;
	if (k == STMT_CACHE - 1 && db->cache[k].s)
		/* The cache is sized above the number of statements bzj has;
		 * reaching this is a programming error, but stay correct. */
		db->cache[k].drv->finalize(db->cache[k].s);
	db->cache[k] = (st_stmt){.s = s, .drv = db->drv, .sql = sql};
	return &db->cache[k];
}

int st_prepare_once(bzj_db *db, const char *sql, st_stmt **out)
{
	*out = NULL;
	int rc = db->demo ? st_demo_flush_rc(db) : ST_OK;
	if (rc != ST_OK)
		return rc;
	st_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return ST_NOMEM;
	rc = db->drv->prepare(db->conn, sql, &st->s);
	if (rc != ST_OK) {
		free(st);
		return rc;
	}
	st->drv = db->drv;
	st->sql = NULL;
	*out = st;
	return ST_OK;
}

void st_finalize(st_stmt *st)
{
	if (!st)
		return;
	st->drv->finalize(st->s);
	free(st);
}

int st_vbind(st_stmt *st, const char *fmt, va_list ap)
{
	int rc = ST_OK;
	for (int i = 0; fmt && fmt[i] && rc == ST_OK; i++) {
		int idx = i + 1;
		switch (fmt[i]) {
		case 't':
			rc = st_bind_text(st, idx, va_arg(ap, const char *));
			break;
		case 'i':
			rc = st_bind_int(st, idx, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = st_bind_int(st, idx, va_arg(ap, int));
			break;
		case 'D': {
			int d = va_arg(ap, int);
			rc = d == BZJ_DATE_NONE ? st_bind_null(st, idx) : st_bind_int(st, idx, d);
			break;
		}
		case 'b':
			rc = st_bind_int(st, idx, va_arg(ap, int) ? 1 : 0);
			break;
		default:
			rc = ST_MISUSE;
		}
	}
	return rc;
}

int st_bind(st_stmt *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = st_vbind(st, fmt, ap);
	va_end(ap);
	return rc;
}

/* Prepare (cached), bind and take the first step: the statement is left
 * for the caller to read and reset; *rc is the step's result code.
 * NULL when the statement cannot be prepared (e filled). */
static st_stmt *st_vstep(bzj_db *db, bzj_err *e, const char *sql, const char *fmt, va_list ap,
			 int *rc)
{
	st_stmt *st = st_prep(db, sql, e);
	if (!st)
		return NULL;
	*rc = st_vbind(st, fmt, ap);
	if (*rc == ST_OK)
		*rc = st_step(st);
	return st;
}

int st_exec(bzj_db *db, bzj_err *e, const char *sql, const char *fmt, ...)
{
	int rc;
	va_list ap;
	va_start(ap, fmt);
	st_stmt *st = st_vstep(db, e, sql, fmt, ap, &rc);
	va_end(ap);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	st_reset(st);
	if (rc != ST_DONE && rc != ST_ROW)
		return st_error(db, rc, e);
	return BZJ_OK;
}

int st_int(bzj_db *db, bzj_err *e, int64_t *out, bool *found, const char *sql, const char *fmt,
	   ...)
{
	int rc;
	va_list ap;
	va_start(ap, fmt);
	st_stmt *st = st_vstep(db, e, sql, fmt, ap, &rc);
	va_end(ap);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	if (found)
		*found = rc == ST_ROW && !st_col_null(st, 0);
	*out = rc == ST_ROW ? st_col_int(st, 0) : 0;
	st_reset(st);
	if (rc != ST_DONE && rc != ST_ROW)
		return st_error(db, rc, e);
	return BZJ_OK;
}

void st_text(st_stmt *st, int col, char *buf, size_t n)
{
	/* snprintf("%s") as a copy: the same truncation at n - 1 bytes, but
	 * not its ~500 instructions of format parsing per column (a batch
	 * of 10,000 refunds reads 200,000 text columns). */
	const char *t = st_col_text(st, col);
	if (!n)
		return;
	size_t len = t ? strnlen(t, n - 1) : 0;
	memcpy(buf, t ? t : "", len);
	buf[len] = 0;
}

bzj_date st_date(st_stmt *st, int col)
{
	if (st_col_null(st, col))
		return BZJ_DATE_NONE;
	return (bzj_date)st_col_int(st, col);
}

int64_t bzj_db_data_version(bzj_db *db)
{
	return st_data_version(db);
}

int bzj_db_schema_version(bzj_db *db)
{
	int64_t v = 0;
	if (st_is_pg(db)) {
		/* meta's schema_version row; 0 while there is no meta table */
		int64_t t = 0;
		st_int(db, NULL, &t, NULL,
		       "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname ="
		       " current_schema() AND tablename = 'meta'",
		       NULL);
		if (t)
			st_int(db, NULL, &v, NULL,
			       "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'",
			       NULL);
		return (int)v;
	}
	st_int(db, NULL, &v, NULL, "PRAGMA user_version", NULL);
	return (int)v;
}

static int exec_script(bzj_db *db, const char *sql, bzj_err *e)
{
	int rc = db->drv->exec(db->conn, sql);
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

static bzj_migrate_fn migrate_fn;
static volatile int *migrate_stop;

void bzj_db_on_migrate(bzj_migrate_fn fn, volatile int *stop)
{
	migrate_fn = fn;
	migrate_stop = stop;
}

/* PostgreSQL, inside the migration's transaction: the baseline on an
 * empty database, then migrations_pg[] up to `want`, then meta's
 * schema_version. */
static int pg_migrate(bzj_db *db, int have, int want, bzj_err *e)
{
	int rc;
	if (have == 0) {
		int base = 0;
		const char *s = bzj_pg_schema(&base);
		if (!s)
			return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
		if ((rc = exec_script(db, s, e)))
			return rc;
		have = base;
	}
	if (have < BZJ_PG_BASELINE)
		return bzj_fail(e, BZJ_EIO, "store.version",
				_("the PostgreSQL database has schema version %d, older than the "
				  "first PostgreSQL schema (%d): it was not made by bzj"),
				have, BZJ_PG_BASELINE);
	for (int v = have; v < want; v++) {
		const char *m = bzj_pg_migration(v);
		if (!m)
			return bzj_fail(e, BZJ_EIO, "store.version",
					_("schema migration %d has no PostgreSQL form yet, so this "
					  "bzj cannot bring a PostgreSQL database past version %d"),
					v + 1, v);
		if ((rc = exec_script(db, m, e)))
			return rc;
	}
	char v[24];
	snprintf(v, sizeof v, "%d", want);
	return st_exec(db, e, "UPDATE meta SET value = ? WHERE key = 'schema_version'", "t", v);
}

int st_schema_migrate(bzj_db *db, bzj_err *e)
{
	int have = bzj_db_schema_version(db);
	int want = (int)(sizeof migrations / sizeof migrations[0]);
	if (have == want)
		return BZJ_OK;
	if (have > want)
		return bzj_fail(e, BZJ_EIO, "store.version",
				_("the database has schema version %d but this bzj knows only up to "
				  "%d: use a newer bzj"),
				have, want);
	if (db->flags & BZJ_OPEN_READONLY)
		return bzj_fail(e, BZJ_EIO, "store.version",
				_("the database needs migrating from schema %d to %d: run `bzj init`"),
				have, want);
	int rc = bzj_db_begin(db, e);
	if (rc)
		return rc;
	if (migrate_fn)
		migrate_fn(have, want);
	bzj_db_set_interrupt(db, migrate_stop);
	if (st_is_pg(db)) {
		if ((rc = pg_migrate(db, have, want, e)))
			goto fail;
		bzj_db_set_interrupt(db, NULL);
		return bzj_db_commit(db, e);
	}
	for (int v = have; v < want; v++) {
		rc = exec_script(db, migrations[v], e);
		if (rc)
			goto fail;
	}
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", want);
	if ((rc = exec_script(db, pragma, e)))
		goto fail;
	bzj_db_set_interrupt(db, NULL);
	return bzj_db_commit(db, e);
fail:
	bzj_db_set_interrupt(db, NULL);
	bzj_db_rollback(db);
	return rc;
}

int st_schema_expected(char ***out, int *n, bzj_err *e)
{
	*out = NULL;
	*n = 0;
	bzj_db *m = calloc(1, sizeof *m);
	if (!m)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	/* SQLite's schema, whatever engine the database is (step 4 of
	 * docs/store-seam.md gives PostgreSQL its own) */
	m->drv = &bzj_driver_sqlite;
	int rc = m->drv->open(":memory:", 0, &m->conn, e) == ST_OK
			 ? st_register_functions(m, e)
			 : bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	for (size_t v = 0; !rc && v < sizeof migrations / sizeof migrations[0]; v++)
		rc = exec_script(m, migrations[v], e);
	if (!rc)
		rc = st_schema_of(m, out, n, e);
	bzj_db_close(m);
	return rc;
}

/* bzj check's expected schema on PostgreSQL: the schema text this bzj
 * carries (bzj_pg_schema, then migrations_pg[]) built as temporary
 * objects (pg_temp) in a transaction on a second connection, always
 * rolled back, and described by the same catalogue query as the
 * database's own schema (st_schema_of_pg, the temporary schema's name
 * taken out of every definition).
 *
 * Why pg_temp and not a schema of its own (CREATE SCHEMA needs CREATE on
 * the database, which bzj's least-privileged login must not have: it
 * could then add objects next to bzj's) nor a description stored at
 * `bzj init` (whoever may change the schema, the owner, could change the
 * stored description with it, and the check would compare the database
 * with itself): the TEMPORARY privilege, which PostgreSQL grants PUBLIC
 * by default, is enough for every object type the check compares:
 * tables with their columns, identity, defaults and constraints,
 * indexes, plpgsql and SQL functions, triggers and constraint triggers
 * (tested in tests/pg/trust.sh as such a login, also that a tampered
 * schema is still reported).  Definitions print the temporary schema
 * as `pg_temp.`, which st_schema_of_pg takes out.  The expected schema stays what this binary
 * says, never something read from the database.  Two adjustments, both
 * invisible in the description: the temporary schema is never searched
 * for functions, so a trigger's `EXECUTE FUNCTION bzj_...` is qualified
 * as `pg_temp.bzj_...`; and function bodies are not
 * validated (check_function_bodies off: a SQL function calling another
 * bzj function would not find it there; nothing is ever run).  The
 * schema's GRANTs on the temporary schema itself grant nothing (a
 * warning the driver keeps quiet). */
static char *pg_temp_script(const char *script)
{
	static const char from[] = "EXECUTE FUNCTION bzj_";
	static const char to[] = "EXECUTE FUNCTION pg_temp.bzj_";
	size_t n = 0;
	for (const char *p = script; (p = strstr(p, from)); p += sizeof from - 1)
		n++;
	char *out = malloc(strlen(script) + n * (sizeof to - sizeof from) + 1);
	if (!out)
		return NULL;
	char *w = out;
	for (const char *p = script;;) {
		const char *hit = strstr(p, from);
		size_t len = hit ? (size_t)(hit - p) : strlen(p);
		memcpy(w, p, len);
		w += len;
		if (!hit)
			break;
		memcpy(w, to, sizeof to - 1);
		w += sizeof to - 1;
		p = hit + sizeof from - 1;
	}
	*w = 0;
	return out;
}

static int exec_pg_temp(bzj_db *m, const char *script, bzj_err *e)
{
	char *s = pg_temp_script(script);
	if (!s)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	int rc = exec_script(m, s, e);
	free(s);
	return rc;
}

int st_schema_expected_pg(bzj_db *db, char ***out, int *n, bzj_err *e)
{
	*out = NULL;
	*n = 0;
	bzj_db *m = calloc(1, sizeof *m);
	if (!m)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	m->drv = db->drv;
	int rc = m->drv->open(db->path, 0, &m->conn, e);
	if (rc) {
		m->conn = NULL;
		bzj_db_close(m);
		return rc;
	}
	int base = 0;
	const char *script = bzj_pg_schema(&base);
	rc = script ? exec_script(m,
				  "BEGIN; SET LOCAL search_path = pg_temp;"
				  " SET LOCAL check_function_bodies = off",
				  e)
		    : bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	if (!rc)
		rc = exec_pg_temp(m, script, e);
	for (int v = base; !rc && v < BZJ_SCHEMA_VERSION; v++)
		rc = bzj_pg_migration(v) ? exec_pg_temp(m, bzj_pg_migration(v), e)
					 : bzj_fail(e, BZJ_EIO, "store.version",
						    _("schema migration %d has no PostgreSQL form yet"),
						    v + 1);
	char tmp[128] = "";
	if (!rc) {
		st_stmt *st = st_prep(m, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()",
				      e);
		if (!st)
			rc = e ? e->rc : BZJ_EIO;
		else {
			if (st_step(st) == ST_ROW)
				st_text(st, 0, tmp, sizeof tmp);
			st_reset(st);
		}
	}
	if (!rc)
		rc = st_schema_of_pg(m, tmp, "pg_temp", out, n, e);
	m->drv->exec(m->conn, "ROLLBACK");
	bzj_db_close(m);
	return rc;
}

/* A new database file, made before SQLite opens it so that it gets the
 * mode bzj wants rather than SQLite's 0644 less the umask: SQLite makes
 * the -wal, -shm and journal with the database's mode. */
int st_create_db_file(const char *path, int access)
{
	mode_t mode = bzj_fs_db_mode();
	int fd = open(path, access | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd >= 0 && fchmod(fd, mode) != 0) {
		/* leave no file of the wrong mode behind */
		close(fd);
		unlink(path);
		errno = EPERM;
		return -1;
	}
	return fd;
}

static void create_file(const char *given)
{
	char path[4096];
	if (bzj_fs_resolve(given, path, sizeof path) != 0)
		return;
	int fd = st_create_db_file(path, O_WRONLY);
	if (fd >= 0) /* else it exists, or SQLite will say why it cannot be made */
		close(fd);
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Is the folder of path writable by bzj?  By its effective ids, which
 * access() would ignore. */
static bool dir_writable(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		*(slash == dir ? slash + 1 : slash) = 0;
	return faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) == 0;
}

/* Can no process start writing the database at path?  Then SQLite may
 * read it as immutable, without the -shm it cannot make.  A writer needs
 * a -wal (WAL mode): when there is none, nobody has the database open,
 * and when nobody but root can create one there (a read-only file system,
 * or a folder without any write bit), nobody will until we are done. */
static bool nobody_writes(const char *path)
{
	char side[4096 + 8], dir[4096];
	struct stat sb;
	struct statvfs vfs;
	snprintf(side, sizeof side, "%s-wal", path);
	if (exists(side))
		return false;
	snprintf(side, sizeof side, "%s-journal", path);
	if (exists(side))
		return false;
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return true;
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		*(slash == dir ? slash + 1 : slash) = 0;
	return stat(dir, &sb) == 0 && !(sb.st_mode & 0222);
}

/* Open db->path through its driver; BZJ_OK or a result code (the
 * connection, when the driver made one, is left for the caller to
 * close). */
static int open_handle(bzj_db *db, bool readonly, bool immutable, bzj_err *e)
{
	int flags = (readonly ? BZJ_DB_READONLY : 0) | (immutable ? BZJ_DB_IMMUTABLE : 0);
	return db->drv->open(db->path, flags, &db->conn, e);
}

static void close_handle(bzj_db *db)
{
	if (db->conn)
		db->drv->close(db->conn);
	db->conn = NULL;
}

/* A PostgreSQL location (issue 16): none of a file's steps (creation,
 * the read-only fallback, file hardening, the moved check); the server
 * says what it refuses; db->path holds the location (a second connection
 * for bzj check), where st_error finds no file.  An empty database gets the schema only
 * from `bzj init` (BZJ_OPEN_CREATE), as a missing file does. */
static int open_pg(const char *where, int flags, bzj_db **out, bzj_err *e)
{
	bzj_db *db = calloc(1, sizeof *db);
	if (!db)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	db->flags = flags;
	db->drv = &bzj_driver_pg;
	/* the location, for a second connection (bzj check's expected
	 * schema); st_error's file checks find no file system under it */
	snprintf(db->path, sizeof db->path, "%s", where);
	int rc = db->drv->open(where,
			       ((flags & BZJ_OPEN_READONLY) ? BZJ_DB_READONLY : 0) |
				       ((flags & BZJ_OPEN_INTERACTIVE) ? BZJ_DB_INTERACTIVE : 0),
			       &db->conn, e);
	if (rc) { /* the driver filled e: store.auth, store.unreachable, store.open */
		db->conn = NULL;
		bzj_db_close(db);
		return rc;
	}
	if (!(flags & BZJ_OPEN_CREATE) && bzj_db_schema_version(db) == 0) {
		char safe[512];
		bzj_store_location_safe(where, safe, sizeof safe);
		bzj_db_close(db);
		return bzj_fail(e, BZJ_ENOTFOUND, "store.missing",
				_("the PostgreSQL database %s has no bzj schema; create it with "
				  "`bzj init`"),
				safe);
	}
	if ((rc = st_schema_migrate(db, e))) {
		bzj_db_close(db);
		return rc;
	}
	*out = db;
	return BZJ_OK;
}

int bzj_db_open(const char *path, int flags, bzj_db **out, bzj_err *e)
{
	*out = NULL;
	if (!path || !*path)
		return bzj_fail(e, BZJ_EINPUT, "input.db", _("no database path given (--db)"));
	int rc = bzj_store_location_check(path, NULL, e);
	if (!rc && bzj_store_kind(path) == BZJ_STORE_POSTGRES)
		return open_pg(path, flags, out, e);
	if (!rc)
		rc = bzj_fs_check_db(path, e);
	if (rc)
		return rc;
	/* stat, not access(): a setgid bzj reaches a 0770 directory by its
	 * effective group, which access() ignores */
	if (!exists(path)) {
		if (!(flags & BZJ_OPEN_CREATE))
			return bzj_fail(e, BZJ_ENOTFOUND, "store.missing",
					_("no database at %s; create it with `bzj init`"), path);
		if (strcmp(path, ":memory:") != 0) /* SQLite's own, no file */
			create_file(path);
	}
	bzj_db *db = calloc(1, sizeof *db);
	if (!db)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	db->flags = flags;
	db->drv = &bzj_driver_sqlite; /* a file: PostgreSQL went to open_pg above */
	snprintf(db->path, sizeof db->path, "%s", path);
	bool ro = flags & BZJ_OPEN_READONLY;
	rc = open_handle(db, ro, false, e);
	int base = rc & 0xff;
	if (rc != ST_OK && !ro && !(flags & BZJ_OPEN_CREATE) &&
	    (base == ST_CANTOPEN || base == ST_READONLY || base == ST_IOERR || base == ST_PERM) &&
	    !dir_writable(path)) {
		/* A folder bzj may not write: read what can be read.  Writes
		 * then fail in bzj_db_begin, saying why. */
		close_handle(db);
		db->flags |= BZJ_OPEN_READONLY;
		db->ro_fallback = true;
		rc = open_handle(db, true, false, e);
		if (rc != ST_OK && nobody_writes(path)) {
			close_handle(db);
			rc = open_handle(db, true, true, e);
		}
		if (rc != ST_OK) {
			char shm[4096 + 8];
			snprintf(shm, sizeof shm, "%s-shm", path);
			int r = exists(shm)
				? bzj_fail(e, BZJ_EIO, "store.readonly",
					   _("cannot read the database %s read-only: %s"), path,
					   errmsg_of(db, rc))
				: bzj_fail(e, BZJ_EIO, "store.readonly",
					   _("the folder of %s is read-only for you and %s does "
					     "not exist, so SQLite cannot read the database (WAL "
					     "mode needs that file, and others may write the "
					     "folder); make the folder writable, or run bzj once "
					     "as a user who can write it: the -wal and -shm files "
					     "it leaves let others read"),
					   path, shm);
			bzj_db_close(db);
			return r;
		}
	}
	if (rc != ST_OK) {
		bzj_err le;
		bzj_err_clear(&le);
		int r = st_error(db, rc, &le);
		if (base == ST_CANTOPEN && !strcmp(le.code, "store.io"))
			r = bzj_fail(&le, BZJ_EIO, "store.open", _("cannot open the database %s: %s"),
				     path, errmsg_of(db, rc));
		if (e)
			*e = le;
		bzj_db_close(db);
		return r;
	}
	rc = st_register_functions(db, e);
	if (!rc)
		rc = st_schema_migrate(db, e);
	if (rc) {
		bzj_db_close(db);
		return rc;
	}
	st_desk_open(db);
	*out = db;
	return BZJ_OK;
}

bool bzj_db_busy_retry(const bzj_db *db)
{
	return db && db->busy_retry;
}

bool bzj_db_readonly(const bzj_db *db)
{
	return db && (db->flags & BZJ_OPEN_READONLY);
}

void bzj_db_close(bzj_db *db)
{
	if (!db)
		return;
	st_demo_drop(db);
	for (int i = 0; i < db->ncache; i++)
		db->cache[i].drv->finalize(db->cache[i].s);
	close_handle(db);
	st_desk_close(db);
	free(db);
}

/* Has the database file been deleted, renamed or replaced since it was
 * opened?  Then every write would go to a file nobody will see again
 * (the console keeps its connection for hours). */
static int check_moved(bzj_db *db, bzj_err *e)
{
	if (!db->drv->moved || !db->drv->moved(db->conn))
		return BZJ_OK;
	return bzj_fail(e, BZJ_EIO, "store.moved",
			_("the database file %s was deleted, renamed or replaced while bzj had "
			  "it open; nothing was written. Quit and start bzj again"),
			db->path);
}

/* PostgreSQL: one writer at a time, as SQLite has it.  Every bzj write
 * transaction moves the audit head, so two at once could only end in a
 * serialisation failure at COMMIT; instead the writer takes a
 * session-level advisory lock *before* BEGIN (a lock taken inside the
 * transaction would come after its snapshot, which is then already stale
 * when the lock is granted).  It waits in the server's queue, first come
 * first served, for at most the session's lock_timeout (5 s,
 * core/store_pg.c), then fails with 55P03: ST_LOCKED, store.busy, exit 5,
 * as SQLite's busy handler gives up.  Queued, not polled: a poll
 * (pg_try_advisory_lock every 1-10 ms, until 2026-12-03) saw the lock only
 * if it fell into the 3 ms a bulk job leaves between its slices, or the
 * moment between two writers, so a writer could lose to later ones until
 * its 5 s ran out (the stress suite's 16 writers saw it); in the queue a
 * waiting writer is next when the holder lets go.  Readers never take it.
 * The lock is released after COMMIT or ROLLBACK, and by the server when
 * the connection ends. */
#define PG_WRITER_LOCK "7420110016" /* "bzj", issue 16: any constant bzj alone uses */
static int pg_writer_lock(bzj_db *db)
{
	bzj_err le;
	bzj_err_clear(&le);
	st_stmt *st = st_prep(db, "SELECT pg_advisory_lock(" PG_WRITER_LOCK ")", &le);
	if (!st)
		return ST_ERROR;
	int rc = st_step(st);
	st_reset(st);
	if (rc != ST_ROW)
		return rc;
	db->writer_lock = true;
	return ST_OK;
}

static void pg_writer_unlock(bzj_db *db)
{
	if (!db->writer_lock)
		return;
	db->writer_lock = false;
	db->drv->exec(db->conn, "SELECT pg_advisory_unlock(" PG_WRITER_LOCK ")");
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE (the write lock is
 * taken up front, so no transaction fails half-way on a lock); inner ones
 * are savepoints, so an all-or-nothing import can run the same service
 * functions per row and still roll the whole file back. */
int bzj_db_begin(bzj_db *db, bzj_err *e)
{
	if (db->ro_fallback)
		return bzj_fail(e, BZJ_EIO, "store.readonly",
				_("the database %s is read-only here: bzj may not write the folder "
				  "it is in (SQLite writes the -wal and -shm files there), so it "
				  "opened it for reading only; nothing was written"),
				db->path);
	if (db->flags & BZJ_OPEN_READONLY)
		return bzj_fail(e, BZJ_EIO, "store.readonly",
				_("the database was opened read-only; nothing was written"));
	int rc;
	if (db->depth > 0) {
		char sp[32];
		snprintf(sp, sizeof sp, "SAVEPOINT s%d", db->depth);
		rc = db->drv->exec(db->conn, sp);
	} else {
		if (st_is_pg(db) && (rc = pg_writer_lock(db)) != ST_OK) {
			int r = st_error(db, rc, e);
			db->busy_retry = false; /* it has waited already */
			return r;
		}
		rc = db->drv->exec(db->conn, "BEGIN IMMEDIATE");
		if (rc != ST_OK)
			pg_writer_unlock(db);
		if (rc == ST_OK && (rc = check_moved(db, e))) {
			db->drv->exec(db->conn, "ROLLBACK");
			return rc;
		}
	}
	if (rc != ST_OK)
		return st_error(db, rc, e);
	db->depth++;
	if (db->depth == 1)
		st_desk_checkpoint(db);
	if (db->depth == 1 && db->guard && (rc = db->guard(db->guard_ctx, e))) {
		bzj_db_rollback(db);
		return rc;
	}
	return BZJ_OK;
}

void bzj_db_set_write_guard(bzj_db *db, bzj_write_guard_fn fn, void *ctx)
{
	db->guard = fn;
	db->guard_ctx = ctx;
}

int bzj_db_commit(bzj_db *db, bzj_err *e)
{
	int rc;
	if (db->depth == 1 && (rc = st_seal_fixup(db, e))) {
		bzj_db_rollback(db);
		return rc;
	}
	if (db->depth > 1) {
		char sp[32];
		snprintf(sp, sizeof sp, "RELEASE s%d", db->depth - 1);
		rc = db->drv->exec(db->conn, sp);
	} else {
		rc = check_moved(db, e);
		if (rc) {
			bzj_db_rollback(db);
			return rc;
		}
		rc = db->drv->exec(db->conn, "COMMIT");
		if (rc == ST_OK)
			pg_writer_unlock(db);
	}
	if (rc != ST_OK) {
		int r = st_error(db, rc, e);
		bzj_db_rollback(db);
		return r;
	}
	if (db->depth > 0)
		db->depth--;
	return BZJ_OK;
}

int bzj_db_read_begin(bzj_db *db, bzj_err *e)
{
	int rc = db->drv->exec(db->conn, "BEGIN DEFERRED");
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

/* Is a transaction open?  SQLite rolls one back by itself on some errors;
 * a driver that cannot tell says yes, and COMMIT/ROLLBACK are sent. */
static bool in_txn(bzj_db *db)
{
	return !db->drv->in_txn || db->drv->in_txn(db->conn);
}

void bzj_db_read_end(bzj_db *db)
{
	if (in_txn(db))
		db->drv->exec(db->conn, "COMMIT");
}

int bzj_db_depth(const bzj_db *db)
{
	return db->depth;
}

void bzj_db_rollback(bzj_db *db)
{
	if (db->depth > 1) {
		char sp[64];
		snprintf(sp, sizeof sp, "ROLLBACK TO s%d; RELEASE s%d", db->depth - 1,
			 db->depth - 1);
		db->drv->exec(db->conn, sp);
		db->depth--;
		return;
	}
	st_demo_drop(db);
	if (in_txn(db))
		db->drv->exec(db->conn, "ROLLBACK");
	pg_writer_unlock(db);
	db->depth = 0;
	db->seal_max = 0;
}

/* Long statements check the interrupt flag (Ctrl-C) every few thousand
 * steps (the driver's set_interrupt); the statement then fails with
 * ST_INTERRUPT and the caller rolls back. */
void bzj_db_set_interrupt(bzj_db *db, volatile int *flag)
{
	db->interrupted = flag;
	if (db->drv->set_interrupt)
		db->drv->set_interrupt(db->conn, flag);
}

int bzj_store_is_empty(bzj_db *db, bool *empty, bzj_err *e)
{
	int64_t n = 0;
	bool found = false;
	int rc = st_int(db, e, &n, &found, "SELECT 1 FROM shop LIMIT 1", NULL);
	*empty = !found;
	return rc;
}

int bzj_store_meta_get(bzj_db *db, const char *key, int64_t *value, bool *found, bzj_err *e)
{
	return st_int(db, e, value, found, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?",
		      "t", key);
}

int bzj_store_meta_put(bzj_db *db, const char *key, int64_t value, bzj_err *e)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)value);
	return st_exec(db, e,
		       "INSERT INTO meta(key, value) VALUES (?, ?)"
		       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		       "tt", key, v);
}

int bzj_store_counts(bzj_db *db, int64_t *shops, int64_t *ledger, int64_t *refunds, bzj_err *e)
{
	int rc = st_int(db, e, shops, NULL, "SELECT count(*) FROM shop", NULL);
	if (!rc)
		rc = st_int(db, e, ledger, NULL, "SELECT count(*) FROM ledger", NULL);
	if (!rc)
		rc = st_int(db, e, refunds, NULL, "SELECT count(*) FROM refund", NULL);
	return rc;
}

/* SQLITE-ONLY BEGIN: registered functions (docs/store-seam.md, "Fenced").
 * SQL functions that call the C rules, so recompute and sync in SQL apply
 * exactly the rule the rest of bzj applies. */
static void fn_floating(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	sqlite3_result_int64(c, bzj_floating_for_gmv(sqlite3_value_int64(v[0])));
}

static void fn_required(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	bzj_position p = {0};
	p.base_fen = sqlite3_value_int64(v[0]);
	p.floating_fen = sqlite3_value_int64(v[1]);
	p.raises_fen = sqlite3_value_int64(v[2]);
	bzj_position_compute(&p);
	sqlite3_result_int64(c, p.required_fen);
}

int st_register_functions(bzj_db *db, bzj_err *e)
{
	int r = st_sqlite_only(db, "bzj_required, bzj_floating, bzj_seal", e);
	if (r)
		return r;
	sqlite3 *h = st_sqlite(db);
	int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function(h, "bzj_floating", 1, fl, NULL, fn_floating, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(h, "bzj_required", 3, fl, NULL, fn_required, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = st_register_seal(db);
	if (rc != SQLITE_OK)
		return st_error(db, rc, e);
	return st_newbie_functions(db, e);
}
/* SQLITE-ONLY END */
