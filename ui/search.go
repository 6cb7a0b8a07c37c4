package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mitra-kiosk/mitra/ui/i18n"
	kt "github.com/mitra-kiosk/mitra/ui/theme"
)

// Help: find a service by typing part of its name, in Hindi (InScript) or
// English (QWERTY) — "जाति", "caste", "पेंशन" — and go straight to it.

// searchHit is a service whose name matched.
type searchHit struct {
	key   string // catalogue key of its name
	group string // the Home group it belongs to
	item  *menuItem
}

// searchServices lists the services whose Hindi or English name contains
// q (English case-insensitively), groups first, then in catalogue order.
func searchServices(q string) []searchHit {
	q = strings.TrimSpace(strings.ToLower(q))
	if q == "" {
		return nil
	}
	match := func(key string) bool {
		return strings.Contains(strings.ToLower(i18n.T(i18n.English, key)), q) || strings.Contains(i18n.T(i18n.Hindi, key), q)
	}
	var hits []searchHit
	groups := make([]string, 0, len(menus))
	for g := range menus {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	if match("svc.bills") {
		hits = append(hits, searchHit{key: "svc.bills"})
	}
	if match("svc.pension") {
		hits = append(hits, searchHit{key: "svc.pension"})
	}
	for _, g := range groups {
		if match(g) {
			hits = append(hits, searchHit{key: g, group: g})
		}
	}
	seen := map[string]bool{}
	for _, g := range groups {
		for _, it := range menus[g] {
			it := it
			if match(it.key) && !seen[it.key] {
				seen[it.key] = true
				hits = append(hits, searchHit{key: it.key, group: g, item: &it})
			}
		}
	}
	return hits
}

func (a *app) searchScreen() fyne.CanvasObject {
	kb := &a.flow.search
	shown := kb.text
	if shown == "" {
		shown = "_"
	}
	var results []fyne.CanvasObject
	// Hits: 24/20 px on the big screen (the brief's 20 px floor); the small
	// screen's one shared row fits 22/16.
	big, small := float32(24), float32(20)
	if a.compact() {
		big, small = 22, 16
	}
	for i, h := range searchServices(kb.text) {
		if i == 3 { // one row: the keys below must not move or be covered
			break
		}
		h := h
		hi, en := i18n.T(i18n.Hindi, h.key), i18n.T(i18n.English, h.key)
		results = append(results, newTile("search."+h.key, kt.OK, kt.White, func() { a.touched(); a.openHit(h) }, hi, en).
			withSizes(big, small).withNames(hi, en))
	}
	if len(results) == 0 && kb.text != "" {
		results = append(results, text(a.t("search.none"), 22, true, kt.Danger))
	}
	// A fixed height: keys must not move under the finger as results come
	// and go.
	headH := float32(150)
	if a.compact() {
		// 800×480: the typed text and the hits share one row.
		headH = 64
		row := append([]fyne.CanvasObject{text(shown, 26, true, kt.Primary)}, results...)
		if len(row) > 3 {
			row = row[:3]
		}
		head := container.New(&fixedHeight{h: headH}, container.NewGridWithColumns(3, row...))
		// No Back/Cancel bar here: the keys need its height; Home sits in
		// the keyboard's last row instead.
		home := newTile("nav.home", kt.Danger, kt.White, func() { a.touched(); a.goHome() }, a.t("nav.home")).
			withSizes(22).withNames(i18n.Both("nav.home")...)
		return container.NewBorder(head, nil, nil, nil, a.keyboard(kb, home))
	}
	head := container.New(&fixedHeight{h: headH}, container.NewVBox(text(shown, 36, true, kt.Primary), container.NewGridWithColumns(3, results...)))
	return container.NewBorder(head, nil, nil, nil, a.keyboard(kb))
}

func (a *app) openHit(h searchHit) {
	switch {
	case h.key == "svc.bills":
		a.show("bills")
	case h.key == "svc.pension":
		a.openPension()
	case h.item == nil:
		a.openGroup(h.group)
	default:
		a.flow.group = h.group
		a.choose(*h.item)
	}
}
