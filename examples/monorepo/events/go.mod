module example.com/shop/events

go 1.23
