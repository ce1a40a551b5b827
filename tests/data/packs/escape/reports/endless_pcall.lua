-- loops for ever, catching the budget error
while true do pcall(function() while true do end end) end
