# Issue 12 item 4: a category added or removed (supervisors, with a
# reason), the requirement following at once, refusals writing nothing.
DB=$T/13_cat.db
D=2026-03-02
bz demo $D init
bz demo $D shop add C1 --name 类目店 --entity company --category 服饰内衣 --opened 2026-01-05 --entity-name 类目公司
jis "one category: company 服饰内衣 4,000 yuan" 'd["required_fen"]' 400000
bz rev1 $D shop category C1 --add 珠宝饰品
okrc "a reviewer adds a category"
jis "the highest category sets the base (company 珠宝饰品 20,000)" 'd["required_fen"]' 2000000
refused "a reviewer cannot remove a category" 4 auth.role rev1 $D shop category C1 --remove 珠宝饰品 --reason 录错了
refused "remove needs a reason" 2 input.reason sup1 $D shop category C1 --remove 珠宝饰品
refused "remove one the shop has not" 3 category.not_on_shop sup1 $D shop category C1 --remove 生鲜水果 --reason 录错了
refused "--add and --remove together" 2 input.usage sup1 $D shop category C1 --add 生鲜水果 --remove 珠宝饰品 --reason x
bz sup1 $D shop category C1 --remove 珠宝饰品 --reason "录入错误，商家不经营珠宝"
okrc "a supervisor removes it"
jis "the requirement follows at once" 'd["required_fen"]' 400000
jis "one category left" 'd["categories"]' '["服饰内衣"]'
refused "the last category stays" 1 category.last sup1 $D shop category C1 --remove 服饰内衣 --reason x
bz cs1 $D audit log --shop C1
jis "the removal is audited with its reason" \
	'[x["reason"] for x in d["entries"] if x["action"]=="shop.category_remove"]' '["录入错误，商家不经营珠宝"]'
bz cs1 $D check
okrc "check holds after add and remove"
