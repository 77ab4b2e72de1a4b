// Variant picker: show the chosen version's price and availability.
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.getElementById("variant");
  if (!picker) return;
  picker.addEventListener("change", function () {
    var option = picker.options[picker.selectedIndex];
    var price = document.querySelector(".buy .price");
    var availability = document.querySelector(".buy .availability");
    if (price && option.dataset.price) price.textContent = option.dataset.price;
    if (availability && option.dataset.availability) availability.textContent = option.dataset.availability;
  });
});
