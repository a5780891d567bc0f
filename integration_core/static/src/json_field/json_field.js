/** @odoo-module **/

import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** Lines of ``value`` pretty-printed, each with its tokens and the dotted path it shows. */
export function jsonLines(value) {
    const lines = [];
    const scalar = (item) => {
        if (item === null) {
            return { text: "null", kind: "null" };
        }
        const kind = typeof item === "string" ? "string" : typeof item;
        return { text: JSON.stringify(item), kind };
    };
    const walk = (item, path, indent, key, last) => {
        const head = key === undefined ? [] : [{ text: JSON.stringify(key), kind: "key" }, { text: ": ", kind: "punct" }];
        const comma = last ? [] : [{ text: ",", kind: "punct" }];
        const isList = Array.isArray(item);
        if (item && typeof item === "object") {
            const entries = isList ? item.map((v, i) => [i, v]) : Object.entries(item);
            const [open, close] = isList ? ["[", "]"] : ["{", "}"];
            if (!entries.length) {
                lines.push({ indent, path, tokens: [...head, { text: open + close, kind: "punct" }, ...comma] });
                return;
            }
            lines.push({ indent, path, tokens: [...head, { text: open, kind: "punct" }] });
            entries.forEach(([childKey, child], index) => {
                const childPath = path ? `${path}.${childKey}` : String(childKey);
                walk(child, childPath, indent + 1, isList ? undefined : childKey, index === entries.length - 1);
            });
            lines.push({ indent, path, closing: true, tokens: [{ text: close, kind: "punct" }, ...comma] });
            return;
        }
        lines.push({ indent, path, tokens: [...head, scalar(item), ...comma] });
    };
    walk(value, "", 0, undefined, true);
    return lines;
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The payload paths an error text names (the most precise ones: no ancestor of another). */
export function errorPaths(lines, errorText) {
    if (!errorText) {
        return new Set();
    }
    const named = new Set();
    for (const line of lines) {
        const path = line.path;
        const leaf = path.split(".").at(-1);
        if (!path || line.closing || (!path.includes(".") && leaf.length < 3)) {
            continue;
        }
        const pattern = new RegExp(`(^|[^\\w.])${escapeRegExp(path)}($|[^\\w.])`);
        if (pattern.test(errorText)) {
            named.add(path);
        }
    }
    return new Set([...named].filter((path) => ![...named].some((other) => other.startsWith(path + "."))));
}

export class IntegrationJsonField extends Component {
    static template = "integration_core.JsonField";
    static props = { ...standardFieldProps, errorField: { type: String, optional: true } };

    get text() {
        return this.props.record.data[this.props.name] || "";
    }

    get parsed() {
        try {
            return { ok: true, value: JSON.parse(this.text) };
        } catch {
            return { ok: false };
        }
    }

    get lines() {
        const parsed = this.parsed;
        if (!parsed.ok) {
            return null;
        }
        const lines = jsonLines(parsed.value);
        const error = this.props.errorField && this.props.record.data[this.props.errorField];
        const marked = errorPaths(lines, error || "");
        return lines.map((line, index) => ({
            ...line,
            id: index,
            marked: !line.closing && marked.has(line.path),
        }));
    }

    get markedCount() {
        return (this.lines || []).filter((line) => line.marked).length;
    }
}

registry.category("fields").add("integration_json", {
    component: IntegrationJsonField,
    displayName: _t("JSON payload"),
    supportedTypes: ["text", "char"],
    extractProps: ({ options }) => ({ errorField: options.error_field }),
});
