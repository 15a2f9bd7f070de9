#!/bin/sh
# pg_search.sh [SHOPS] [TERMS] - search-as-you-type over Chinese shop names
# in PostgreSQL (issue 16): pg_trgm GIN on lower(name) / lower(operator_name)
# against the bigram table bzj keeps (shop_gram), on a throw-away server
# (tests/pg/server.sh), SHOPS shops (default 1,000,000) generated in SQL
# from core/demo.c's name parts, TERMS random terms (default 40) of 1, 2
# and 3 characters cut out of real names and operator names.
#
# Each query is timed inside the server (clock_timestamp around EXECUTE in
# PL/pgSQL: planning + execution, no client round trip); p50/p99 per
# method, term length and query: `first` = the first screen (20 matching
# shops by id), `count` = how many match.  Run it niced; it is not part of
# make check or make bench.
set -eu
N=${1:-1000000}
TERMS=${2:-40}
HERE=$(cd "$(dirname "$0")" && pwd)
S="$HERE/../pg/server.sh"
sh "$S" have >/dev/null || { echo "pg_search: no PostgreSQL server installed" >&2; exit 3; }
eval "$(sh "$S" start)"
trap 'sh "$S" stop "$BZJ_PG_DIR" >/dev/null 2>&1' EXIT INT TERM
P="psql -X -q -v ON_ERROR_STOP=1"
# pg_trgm reads characters with the database's LC_CTYPE: under "C" a CJK
# character is not alphanumeric and yields no trigram at all, so the
# database is C.UTF-8 (collation stays C, as the test server's).
$P -d postgres -c "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
t0=$(date +%s)
$P -d bench <<EOF_PG_SEARCH_LOAD
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
CREATE EXTENSION pg_trgm;
CREATE TABLE shop(id text PRIMARY KEY, name text NOT NULL, operator_name text NOT NULL DEFAULT '');
DO \$\$ BEGIN PERFORM setseed(0.42); END \$\$;
INSERT INTO shop
SELECT 'S' || lpad(i::text, 7, '0'),
 (ARRAY['杭州','上海','广州','深圳','北京','成都','武汉','义乌','泉州','苏州','南京','西安','长沙','青岛',
        '厦门','重庆','郑州','天津','温州','佛山'])[1 + floor(random() * 20)::int]
 || (ARRAY['云裳','锦绣','青禾','山海','小满','初心','悦享','优品','源味','匠心','时光','花间','星辰','木子',
           '晨曦','朴素','乐活','知味','雅居','极客','半亩','拾光','南山','暖阳','鹿角','白鹭','橙意','蓝湾'])[1 + floor(random() * 28)::int]
 || (ARRAY['服饰','鞋包','食品','百货','家居','美妆','母婴','数码','果园','书屋','运动','健康','珠宝','文玩','金行'])[1 + floor(random() * 15)::int]
 || (ARRAY['小店','工作室','生活馆','优选','旗舰店','专营店','官方店'])[1 + floor(random() * 7)::int],
 (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭','何','林','罗','高'])[1 + floor(random() * 20)::int]
 || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀英','霞','平','刚',
           '桂英','晓东','海燕','建华','志强','婷婷','子涵'])[1 + floor(random() * 28)::int]
FROM generate_series(1, $N) AS i;
-- bzj's bigram postings, cut as SQLite's SHOP_GRAMS_CTE does
CREATE TABLE shop_gram(gram text NOT NULL, shop_id text NOT NULL);
INSERT INTO shop_gram SELECT DISTINCT substr(s, i, 2), id
 FROM shop, LATERAL (VALUES (lower(name)), (lower(operator_name))) AS src(s),
 LATERAL generate_series(1, length(s)) AS i WHERE length(s) > 0;
ALTER TABLE shop_gram ADD PRIMARY KEY (gram, shop_id);
CREATE INDEX shop_name_trgm ON shop USING gin (lower(name) gin_trgm_ops);
CREATE INDEX shop_operator_trgm ON shop USING gin (lower(operator_name) gin_trgm_ops);
VACUUM ANALYZE;
EOF_PG_SEARCH_LOAD
t1=$(date +%s)
$P -d bench -At -c "SELECT 'loaded ' || count(*) || ' shops, ' || (SELECT count(*) FROM shop_gram) || ' bigram rows in $((t1 - t0)) s; sizes: shop ' || pg_size_pretty(pg_total_relation_size('shop') - pg_relation_size('shop_name_trgm') - pg_relation_size('shop_operator_trgm')) || ', shop_gram ' || pg_size_pretty(pg_total_relation_size('shop_gram')) || ', trigram indexes ' || pg_size_pretty(pg_relation_size('shop_name_trgm') + pg_relation_size('shop_operator_trgm')) FROM shop"
$P -d bench -At <<EOF_PG_SEARCH_RUN
DO \$\$ BEGIN PERFORM setseed(0.17); END \$\$;
CREATE TEMP TABLE term(len int, t text);
INSERT INTO term SELECT len, substr(s, 1 + floor(random() * (length(s) - len + 1))::int, len)
 FROM (SELECT g.len, CASE WHEN g.pick < 0.75 THEN shop.name ELSE shop.operator_name END AS s
       FROM (SELECT len, k, random() AS pick,
              'S' || lpad((1 + floor(random() * $N))::int::text, 7, '0') AS sid
             FROM generate_series(1, 3) AS len, generate_series(1, $TERMS) AS k) g
       JOIN shop ON shop.id = g.sid) y WHERE length(s) >= len;
CREATE FUNCTION timeit(q text, t text, OUT ms double precision, OUT n bigint) LANGUAGE plpgsql AS \$\$
DECLARE a timestamptz;
BEGIN
	a := clock_timestamp();
	EXECUTE q INTO n USING t, substr(t, 1, 2), substr(t, 2, 2);
	ms := extract(epoch FROM clock_timestamp() - a) * 1000;
END \$\$;
CREATE TEMP TABLE q(method text, len int, kind text, sql text);
-- bzj's bigram plan (store_list.c): 1 character = a prefix range of
-- bigrams, 2 = one bigram, 3 = two bigrams intersected, then the text test
INSERT INTO q VALUES
 ('bigram', 1, 'first', 'SELECT count(*) FROM (SELECT id FROM shop WHERE id IN (SELECT shop_id FROM shop_gram WHERE gram >= \$1 AND gram < \$1 || chr(1114111)) ORDER BY id LIMIT 20) x'),
 ('bigram', 1, 'count', 'SELECT count(DISTINCT shop_id) FROM shop_gram WHERE gram >= \$1 AND gram < \$1 || chr(1114111)'),
 ('bigram', 2, 'first', 'SELECT count(*) FROM (SELECT id FROM shop WHERE id IN (SELECT shop_id FROM shop_gram WHERE gram = \$1) ORDER BY id LIMIT 20) x'),
 ('bigram', 2, 'count', 'SELECT count(*) FROM shop_gram WHERE gram = \$1'),
 ('bigram', 3, 'first', 'SELECT count(*) FROM (SELECT id FROM shop WHERE id IN (SELECT a.shop_id FROM shop_gram a JOIN shop_gram b USING (shop_id) WHERE a.gram = \$2 AND b.gram = \$3) AND (strpos(lower(name), \$1) > 0 OR strpos(lower(operator_name), \$1) > 0) ORDER BY id LIMIT 20) x'),
 ('bigram', 3, 'count', 'SELECT count(*) FROM shop WHERE id IN (SELECT a.shop_id FROM shop_gram a JOIN shop_gram b USING (shop_id) WHERE a.gram = \$2 AND b.gram = \$3) AND (strpos(lower(name), \$1) > 0 OR strpos(lower(operator_name), \$1) > 0)');
INSERT INTO q SELECT 'pg_trgm', len, kind, CASE kind
 WHEN 'first' THEN 'SELECT count(*) FROM (SELECT id FROM shop WHERE lower(name) LIKE ''%'' || \$1 || ''%'' OR lower(operator_name) LIKE ''%'' || \$1 || ''%'' ORDER BY id LIMIT 20) x'
 ELSE 'SELECT count(*) FROM shop WHERE lower(name) LIKE ''%'' || \$1 || ''%'' OR lower(operator_name) LIKE ''%'' || \$1 || ''%''' END
 FROM generate_series(1, 3) AS len, (VALUES ('first'), ('count')) AS k(kind);
CREATE TEMP TABLE r AS SELECT q.method, q.len, q.kind, term.t, (timeit(q.sql, term.t)).*
 FROM q JOIN term USING (len) ORDER BY random();
-- both methods must find the same shops: the counts agree term by term
SELECT 'counts agree on ' || count(DISTINCT a.t) FILTER (WHERE a.n = b.n) || ' of '
 || count(DISTINCT a.t) || ' distinct terms (bigram vs pg_trgm); '
 || count(DISTINCT a.t) FILTER (WHERE a.n >= 20) || ' of them match 20 shops or more'
 FROM r a JOIN r b ON a.t = b.t AND a.kind = b.kind
 WHERE a.kind = 'count' AND a.method = 'bigram' AND b.method = 'pg_trgm';
SELECT 'method   chars query   p50 ms   p99 ms   max ms   (' || count(*) / 3
 || ' terms of each length, repeats included)' FROM term;
SELECT rpad(method, 8) || ' ' || lpad(len::text, 5) || ' ' || rpad(kind, 5) || ' '
 || lpad(to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 'FM99990.00'), 8) || ' '
 || lpad(to_char(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), 'FM99990.00'), 8) || ' '
 || lpad(to_char(max(ms), 'FM99990.00'), 8)
 FROM r GROUP BY method, len, kind ORDER BY len, kind, method;
EOF_PG_SEARCH_RUN
