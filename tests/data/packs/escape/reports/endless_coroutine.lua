-- loops for ever inside a coroutine
coroutine.wrap(function() while true do end end)()
