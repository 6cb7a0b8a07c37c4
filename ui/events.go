package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

func touchDown(x, y float32) embedded.Event {
	return &embedded.TouchDownEvent{Position: fyne.NewPos(x, y)}
}

func touchMove(x, y float32) embedded.Event {
	return &embedded.TouchMoveEvent{Position: fyne.NewPos(x, y)}
}

func touchUp(x, y float32) embedded.Event {
	return &embedded.TouchUpEvent{Position: fyne.NewPos(x, y)}
}

func keyDown(k string) embedded.Event {
	return &embedded.KeyEvent{Name: fyne.KeyName(k), Direction: embedded.KeyPressed}
}

func typedRune(r rune) embedded.Event { return &embedded.CharacterEvent{Rune: r} }
