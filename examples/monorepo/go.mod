module example.com/shop

go 1.23

require example.com/quote v1.0.0
