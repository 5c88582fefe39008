// The MJML elements and their common attributes, for the email editor's tag and attribute completion
// (static/js/editor.js hands them to CodeMirror's XML language, @codemirror/lang-xml). Each element
// lists the children MJML allows in it, so "<mj-" inside <mj-column> offers what a column can hold.
// Written from the MJML 4 documentation (https://documentation.mjml.io); attributes not listed here
// still work, they are only not suggested.
(function () {
  "use strict";

  const padding = ["padding", "padding-top", "padding-right", "padding-bottom", "padding-left"];
  const font = ["font-family", "font-size", "font-style", "font-weight", "line-height", "letter-spacing", "color"];
  const block = ["css-class", "mj-class", "container-background-color", ...padding];
  const background = ["background-color", "background-url", "background-repeat", "background-size", "background-position"];
  const border = ["border", "border-top", "border-right", "border-bottom", "border-left", "border-radius"];
  const link = [{ name: "href" }, { name: "target", values: ["_blank", "_self"] }, "rel", "title"];
  const align = { name: "align", values: ["left", "center", "right"] };
  const verticalAlign = { name: "vertical-align", values: ["top", "middle", "bottom"] };

  const content = ["mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-navbar", "mj-raw",
    "mj-social", "mj-spacer", "mj-table", "mj-text"];
  const inline = ["a", "b", "br", "em", "i", "img", "span", "strong", "u", "sup", "sub"];
  const html = [...inline, "p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "div", "table"];
  const tableRows = ["tr", "thead", "tbody"];

  const element = (name, info, attributes, children) => ({ name, attributes, children, completion: { info } });
  const htmlElement = (name, attributes, children) => ({ name, attributes: ["style", "class", ...attributes], children });

  const elements = [
    { name: "mjml", top: true, attributes: ["lang", "dir", "owa"], children: ["mj-head", "mj-body"],
      completion: { info: "The root of every MJML email: <mj-head> then <mj-body>." } },

    // the head: what the email is called, its inbox preview, fonts, styles and attribute defaults
    element("mj-head", "Settings of the email: title, preview text, fonts, styles, default attributes.", [],
      ["mj-attributes", "mj-breakpoint", "mj-font", "mj-html-attributes", "mj-preview", "mj-style", "mj-title"]),
    element("mj-title", "The document title (shown by some email clients and in the browser version).", [], []),
    element("mj-preview", "The inbox preview text. The preheader field, when set, replaces it.", [], []),
    element("mj-font", "Loads a web font by name and URL.", ["name", "href"], []),
    element("mj-style", "CSS for the email; inline=\"inline\" writes it into the elements' style attributes.",
      [{ name: "inline", values: ["inline"] }], []),
    element("mj-breakpoint", "The width below which columns stack (default 480px).", ["width"], []),
    element("mj-attributes", "Default attributes: for every element (mj-all), by class (mj-class) or per element.", [],
      ["mj-all", "mj-class", "mj-section", "mj-column", "mj-text", "mj-button", "mj-image", "mj-divider", "mj-spacer",
        "mj-social", "mj-social-element", "mj-navbar", "mj-navbar-link", "mj-hero", "mj-wrapper", "mj-group",
        "mj-table", "mj-accordion", "mj-carousel", "mj-body"]),
    element("mj-all", "Default attributes for every element.", ["font-family", "font-size", "color", "line-height", ...padding], []),
    element("mj-class", "A named set of attributes, used with mj-class=\"name\".",
      ["name", "font-family", "font-size", "color", "background-color", "line-height", ...padding], []),
    element("mj-html-attributes", "HTML attributes to add to the compiled output, by CSS selector.", [], ["mj-selector"]),
    element("mj-selector", "A CSS selector of the compiled HTML.", ["path"], ["mj-html-attribute"]),
    element("mj-html-attribute", "One attribute to add to what the selector matches.", ["name"], []),

    // the body: sections of columns holding the content
    element("mj-body", "The content of the email: sections, wrappers and heroes.", ["width", "background-color", "css-class"],
      ["mj-section", "mj-wrapper", "mj-hero", "mj-raw"]),
    element("mj-wrapper", "Groups sections behind one background or border.",
      [...background, ...border, "full-width", { name: "text-align", values: ["left", "center", "right"] }, "css-class", ...padding],
      ["mj-section", "mj-raw"]),
    element("mj-section", "A row of the email; holds columns (or a group of them).",
      [...background, ...border, { name: "direction", values: ["ltr", "rtl"] }, { name: "full-width", values: ["full-width"] },
        { name: "text-align", values: ["left", "center", "right"] }, "css-class", "mj-class", ...padding],
      ["mj-column", "mj-group", "mj-raw"]),
    element("mj-group", "Columns that stay side by side on mobile too.",
      ["width", "background-color", { name: "direction", values: ["ltr", "rtl"] }, verticalAlign, "css-class"],
      ["mj-column", "mj-raw"]),
    element("mj-column", "A column of a section; holds the content elements.",
      ["width", verticalAlign, "background-color", "inner-background-color", ...border, "css-class", "mj-class", ...padding],
      content),
    element("mj-hero", "A full-width image with content over it.",
      [{ name: "mode", values: ["fixed-height", "fluid-height"] }, "height", "width", "background-url", "background-width",
        "background-height", "background-position", "background-color", verticalAlign, "css-class", ...padding],
      content),

    // content
    element("mj-text", "Text (and simple HTML) in the email.",
      [align, ...font, "height", "text-decoration", "text-transform", ...block], html),
    element("mj-button", "A button link: href, background-color, color, …",
      [...link, "background-color", ...font, ...border.slice(0, 1), "border-radius", "inner-padding", align, "width", "height",
        verticalAlign, { name: "text-align", values: ["left", "center", "right"] }, "text-decoration", "text-transform", "name",
        ...block],
      inline),
    element("mj-image", "An image: src, alt (always write one), href, width.",
      ["src", "alt", ...link, "width", "height", align, "border", "border-radius", "srcset", "sizes", "name",
        { name: "fluid-on-mobile", values: ["true", "false"] }, ...block],
      []),
    element("mj-divider", "A horizontal line.",
      ["border-color", { name: "border-style", values: ["solid", "dashed", "dotted"] }, "border-width", "width", align, ...block],
      []),
    element("mj-spacer", "Blank vertical space of a given height.", ["height", ...block], []),
    element("mj-social", "Social network icons and links.",
      [{ name: "mode", values: ["horizontal", "vertical"] }, align, "icon-size", "icon-height", "icon-padding", "text-padding",
        "font-family", "font-size", "color", "border-radius", "inner-padding", ...block],
      ["mj-social-element"]),
    element("mj-social-element", "One network of mj-social: name, href.",
      [{ name: "name", values: ["facebook", "x", "twitter", "linkedin", "instagram", "youtube", "pinterest", "github", "tiktok",
        "xing", "vimeo", "medium", "soundcloud", "dribbble", "tumblr", "snapchat", "web"] },
      ...link, "src", "alt", "background-color", "color", "icon-size", "font-size", "css-class", ...padding],
      inline),
    element("mj-navbar", "A row of navigation links (with a hamburger menu on mobile).",
      ["base-url", { name: "hamburger", values: ["hamburger"] }, align, "ico-color", "ico-font-size", "ico-open", "ico-close",
        "css-class"],
      ["mj-navbar-link"]),
    element("mj-navbar-link", "One link of mj-navbar.",
      [...link, "color", "font-family", "font-size", "font-weight", "text-transform", "css-class", ...padding],
      inline),
    element("mj-table", "An HTML table: write <tr> rows inside.",
      [align, "border", "cellpadding", "cellspacing", "color", "font-family", "font-size", "line-height", "width",
        { name: "table-layout", values: ["auto", "fixed"] }, ...block],
      tableRows),
    element("mj-raw", "HTML passed through as written (never scripts: previews run none).",
      [{ name: "position", values: ["file-start"] }], html),
    element("mj-accordion", "Sections that open and close: mj-accordion-element items.",
      ["border", "font-family", { name: "icon-align", values: ["top", "middle", "bottom"] },
        { name: "icon-position", values: ["left", "right"] }, "icon-height", "icon-width", "icon-wrapped-url",
        "icon-unwrapped-url", ...block],
      ["mj-accordion-element"]),
    element("mj-accordion-element", "One item of an accordion: a title and a text.",
      ["background-color", "border", "font-family", "icon-wrapped-url", "icon-unwrapped-url", "css-class"],
      ["mj-accordion-title", "mj-accordion-text"]),
    element("mj-accordion-title", "The always-visible title of an accordion item.",
      ["background-color", "color", "font-family", "font-size", "css-class", ...padding], inline),
    element("mj-accordion-text", "The text an accordion item opens to.",
      ["background-color", "color", "font-family", "font-size", "line-height", "css-class", ...padding], html),
    element("mj-carousel", "Images the reader can page through: mj-carousel-image items.",
      [align, "border-radius", "icon-width", "left-icon", "right-icon", { name: "thumbnails", values: ["visible", "hidden"] },
        "tb-border", "tb-border-radius", "tb-hover-border-color", "tb-selected-border-color", "tb-width", ...block],
      ["mj-carousel-image"]),
    element("mj-carousel-image", "One image of a carousel: src, alt.",
      ["src", "alt", ...link, "thumbnails-src", "css-class"], []),

    // the HTML that MJML passes through inside text, buttons, tables and raw blocks
    htmlElement("a", ["href", "target", "title", "rel"], inline),
    ...["b", "em", "i", "span", "strong", "u", "sup", "sub"].map((name) => htmlElement(name, [], inline)),
    htmlElement("br", [], []),
    htmlElement("img", ["src", "alt", "width", "height"], []),
    ...["p", "h1", "h2", "h3", "h4", "li", "div"].map((name) => htmlElement(name, ["align"], html)),
    ...["ul", "ol"].map((name) => htmlElement(name, [], ["li"])),
    htmlElement("table", ["width", "cellpadding", "cellspacing", "border", "align"], tableRows),
    ...["thead", "tbody"].map((name) => htmlElement(name, [], ["tr"])),
    htmlElement("tr", [], ["td", "th"]),
    ...["td", "th"].map((name) => htmlElement(name, ["align", "width", "colspan", "rowspan", "valign"], html)),
  ];

  window.JourneymailMJML = { elements, attributes: [] };
})();
